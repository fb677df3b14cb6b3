// The WebSocket door's moderation requests (kick, ban, mute, unban, unmute, restrictions) onto the core's Moderation.
import { NetroomError } from '../../core/errors.js';
import type { Actor } from '../../core/access/roles.js';
import type { Chat } from '../../core/chat/chat.js';
import type { Moderation, Moderator } from '../../core/chat/moderation.js';
import type { RestrictionRecord } from '../../store/access.js';
import type { WsClient } from './client.js';
import type { ClientMessage, WireRestriction } from './messages.js';
import type { WsReplies } from './replies.js';

/** The moderation requests of the protocol. */
export type ModerationRequest = Extract<ClientMessage, { type: 'kick' | 'ban' | 'mute' | 'unban' | 'unmute' | 'restrictions' }>;

/** A restriction as listed on the wire: its room by name (the store keeps the room's key), its value as the moderator typed it. */
export function wireRestriction(record: RestrictionRecord, roomName: (key: string) => string | undefined): WireRestriction {
  return {
    id: record.id,
    type: record.type,
    room: record.room === null ? null : (roomName(record.room) ?? record.room),
    kind: record.kind,
    value: record.shown,
    reason: record.reason,
    by: record.by,
    createdAt: record.createdAt,
    until: record.until,
  };
}

/**
 * Moderation over the socket. Who may is the core's (Moderation): a connected member's room
 * standing counts (operators moderate their rooms), admins everything, server-wide acts need an
 * admin. The actor is the member's current standing (its role follows account changes), or, before
 * `enter`, who signed in at the upgrade: an admin may list and lift bans without entering.
 * Everyone concerned hears an event; the moderator also gets `moderated` (or `restrictions`).
 */
export class WsModeration {
  constructor(
    private readonly chat: Chat,
    private readonly moderation: Moderation | undefined,
    private readonly replies: WsReplies,
    /** Flushed before the answer, so the moderator sees the events of its act first. */
    private readonly flush: () => void,
  ) {}

  handle(client: WsClient, message: ModerationRequest): void {
    const moderation = this.moderation;
    if (!moderation) throw new NetroomError('BAD_REQUEST', 'moderation is not available on this server');
    const by = moderatorOf(client);
    switch (message.type) {
      case 'kick':
        moderation.kick(by, message.room ?? null, message.name, message.reason ?? '');
        break;
      case 'ban':
      case 'mute': {
        const request = { type: message.type, kind: message.kind, value: message.value, room: message.room ?? null, reason: message.reason ?? '' };
        moderation.restrict(by, message.durationMs === undefined ? request : { ...request, durationMs: message.durationMs });
        break;
      }
      case 'unban':
      case 'unmute':
        moderation.lift(by, message.type === 'unban' ? 'ban' : 'mute', message.kind, message.value, message.room ?? null);
        break;
      case 'restrictions': {
        const list = moderation.list(by, message.room ?? null).map((r) => wireRestriction(r, (key) => this.chat.roomNameByKey(key)));
        this.replies.send(client, { type: 'restrictions', restrictions: list });
        return;
      }
    }
    this.flush();
    this.replies.send(client, { type: 'moderated', about: message.type });
  }
}

/** Who moderates through this connection: its member as it stands now, or who signed in at the upgrade. */
function moderatorOf(client: WsClient): Moderator {
  const member = client.member;
  if (!member) return { actor: client.actor };
  const actor: Actor =
    member.account === undefined
      ? { role: member.role ?? client.actor.role, name: member.name }
      : { role: member.role ?? client.actor.role, name: member.name, account: member.account };
  return { actor, member };
}
