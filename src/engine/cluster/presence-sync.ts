// Brings this node's view of other nodes' members in line with the shared presence (at start, after an outage).
import type { Chat } from '../../core/chat/chat.js';
import type { Member } from '../../core/chat/types.js';
import type { PresenceRecord } from '../bus/bus.js';
import { ensureGhost } from './replay.js';
import { wireMember } from './wire.js';

/** What a local member looks like in the shared presence. */
export function recordOf(chat: Chat, member: Member, node: string): PresenceRecord {
  return { ...wireMember(member), node, rooms: chat.roomsOf(member), away: chat.awayOf(member) };
}

/**
 * Make every other node's member known here, in its rooms, and forget the ones the presence no
 * longer lists (their node died or left while this one could not hear), of the nodes `settled`
 * accepts: a node that has not written its presence again after an outage lists nobody yet, and
 * its members are not gone for that. Returns how many changed.
 */
export function reconcile(
  chat: Chat,
  records: readonly PresenceRecord[],
  self: string,
  onError: (err: unknown, record?: PresenceRecord) => void,
  settled: (node: string) => boolean = () => true,
): number {
  let changed = 0;
  const listed = new Set<string>();
  for (const record of records) {
    if (record.node === self) continue;
    listed.add(`${record.node}\u0000${record.name}`);
    try {
      const known = chat.find(record.name);
      if (known !== undefined && known.node === undefined) continue; // a local member holds the name: the claims decide
      const ghost = ensureGhost(chat, record.node, record);
      const inRooms = new Set(chat.roomsOf(ghost));
      for (const room of record.rooms) {
        if (!inRooms.has(room)) {
          chat.replaying({ node: record.node }, () => chat.join(ghost, room));
          changed++;
        }
      }
      if (chat.awayOf(ghost) !== record.away) chat.replaying({ node: record.node }, () => chat.setAway(ghost, record.away));
    } catch (err) {
      onError(err, record);
    }
  }
  for (const member of [...chat.online()]) {
    if (member.node === undefined || listed.has(`${member.node}\u0000${member.name}`) || !settled(member.node)) continue;
    chat.replaying({ node: member.node }, () => chat.disconnect(member, 'timeout'));
    changed++;
  }
  return changed;
}
