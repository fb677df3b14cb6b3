// What one node tells the others about its chat: each local event as the operation that replays it (JSON on the bus).
import type { ChatEvent, LeaveReason, Member, TypingState } from '../../core/chat/types.js';
import type { ModeRequest } from '../../core/chat/modes.js';
import type { PresenceRecord } from '../bus/bus.js';

/** The member an operation is about, as its own node knows it: its presence record without the node, rooms and away. */
export type WireMember = Omit<PresenceRecord, 'node' | 'rooms' | 'away'>;

/** `id`: the id the sending node's history store gave the event, so every node shows the same one. */
export type ChatOp =
  | { readonly op: 'connect'; readonly m: WireMember }
  | { readonly op: 'join'; readonly m: WireMember; readonly room: string; readonly id?: number }
  | { readonly op: 'part'; readonly m: WireMember; readonly room: string; readonly text?: string; readonly id?: number }
  | { readonly op: 'quit'; readonly m: WireMember; readonly reason: LeaveReason; readonly text?: string; readonly id?: number }
  | { readonly op: 'say'; readonly m: WireMember; readonly room: string; readonly text: string; readonly notice?: boolean; readonly id?: number }
  | { readonly op: 'dm'; readonly m: WireMember; readonly to: string; readonly text: string; readonly notice?: boolean; readonly id?: number }
  | { readonly op: 'topic'; readonly m: WireMember; readonly room: string; readonly topic: string; readonly id?: number }
  | { readonly op: 'mode'; readonly m: WireMember; readonly room: string; readonly applied: readonly ModeRequest[] }
  | { readonly op: 'invite'; readonly m: WireMember; readonly room: string; readonly to: string }
  | { readonly op: 'rename'; readonly m: WireMember; readonly to: string; readonly id?: number }
  | { readonly op: 'away'; readonly m: WireMember; readonly text: string | null }
  | { readonly op: 'kick'; readonly m?: WireMember; readonly by: string; readonly room: string; readonly target: string; readonly text: string; readonly id?: number }
  | { readonly op: 'announce'; readonly text: string; readonly id?: number }
  | { readonly op: 'file'; readonly room: string; readonly name?: string; readonly path: string; readonly size: number; readonly id?: number }
  /** An edit or delete of message `target` (`room`, or a direct message `to`), by `m`, the rules passed on its node. */
  | { readonly op: 'edit'; readonly m: WireMember; readonly target: number; readonly room?: string; readonly to?: string; readonly author: string; readonly text: string }
  | { readonly op: 'delete'; readonly m: WireMember; readonly target: number; readonly room?: string; readonly to?: string; readonly author: string }
  | { readonly op: 'typing'; readonly m: WireMember; readonly room?: string; readonly to?: string; readonly state: TypingState }
  | {
      readonly op: 'moderation';
      readonly action: 'ban' | 'unban' | 'mute' | 'unmute';
      readonly scope: string | null;
      readonly by: string;
      readonly target: string;
      readonly text: string;
      readonly until: number | null;
      readonly id?: number;
    };

/** A member as it goes on the wire (never its node: the receiver knows who sent it). */
export function wireMember(member: Member): WireMember {
  const wire: { -readonly [K in keyof WireMember]: WireMember[K] } = { name: member.name, key: member.key, door: member.door, since: member.since };
  if (member.account !== undefined) wire.account = member.account;
  if (member.role !== undefined) wire.role = member.role;
  if (member.address !== undefined) wire.address = member.address;
  if (member.user !== undefined) wire.user = member.user;
  return wire;
}

/**
 * The operation that replays a local event on another node, or null when there is nothing to
 * send: an event replayed from elsewhere, one about a member of another node, or one that stays
 * here (`closing`: each node closes for itself).
 */
export function opOf(event: ChatEvent, storedId: number | undefined): ChatOp | null {
  if (event.remote !== undefined) return null;
  const origin = event.origin;
  if (origin?.node !== undefined) return null;
  const id = storedId === undefined ? {} : { id: storedId };
  const m = origin === undefined ? undefined : wireMember(origin);
  switch (event.kind) {
    case 'join':
      return m ? { op: 'join', m, room: event.room, ...id } : null;
    case 'part':
      return m ? { op: 'part', m, room: event.room, ...(event.text === undefined ? {} : { text: event.text }), ...id } : null;
    case 'quit':
      return m ? { op: 'quit', m, reason: event.reason, ...(event.text === undefined ? {} : { text: event.text }), ...id } : null;
    case 'message':
      return m ? { op: 'say', m, room: event.room, text: event.text, ...(event.notice ? { notice: true } : {}), ...id } : null;
    case 'dm':
      return m ? { op: 'dm', m, to: event.to, text: event.text, ...(event.notice ? { notice: true } : {}), ...id } : null;
    case 'topic':
      return m ? { op: 'topic', m, room: event.room, topic: event.topic, ...id } : null;
    case 'mode':
      return m && event.applied ? { op: 'mode', m, room: event.room, applied: event.applied } : null;
    case 'invite':
      return m ? { op: 'invite', m, room: event.room, to: event.to } : null;
    case 'rename':
      return m ? { op: 'rename', m: { ...m, name: event.name }, to: event.to, ...id } : null;
    case 'away':
      return m ? { op: 'away', m, text: event.text } : null;
    case 'kick':
      return { op: 'kick', ...(m ? { m } : {}), by: event.name, room: event.room, target: event.target, text: event.text, ...id };
    case 'announce':
      return { op: 'announce', text: event.text, ...id };
    case 'file':
      return { op: 'file', room: event.room, ...(event.name === undefined ? {} : { name: event.name }), path: event.path, size: event.size, ...id };
    case 'moderation':
      return { op: 'moderation', action: event.action, scope: event.scope, by: event.name, target: event.target, text: event.text, until: event.until, ...id };
    case 'edit':
      return m ? { op: 'edit', m, target: event.target, ...place(event), author: event.author, text: event.text } : null;
    case 'delete':
      return m ? { op: 'delete', m, target: event.target, ...place(event), author: event.author } : null;
    case 'typing':
      return m ? { op: 'typing', m, ...place(event), state: event.state } : null;
    case 'closing':
      return null;
  }
}

/** `room`, or `to` for a direct message. */
function place(event: { readonly room?: string; readonly to?: string }): { room: string } | { to: string } {
  return event.room !== undefined ? { room: event.room } : { to: event.to ?? '' };
}
