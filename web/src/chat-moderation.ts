// Moderation from the web UI over the chat socket: kick, ban, mute, the bans list and lifting, and who may see the member menu.
import type { ChatState, Conversation } from './chat-state.js';
import { sameName } from './conversations.js';
import type { ClientMessage, WireRestriction } from './protocol.js';

/** What a moderator picks in the member menu. */
export interface RestrictChoice {
  readonly type: 'ban' | 'mute';
  /** The room, or null: server-wide (administrators). */
  readonly room: string | null;
  readonly reason: string;
  /** How long; null: for ever. */
  readonly durationMs: number | null;
}

/**
 * Whether to offer the member menu in a room: to administrators, and to the room's operators (the
 * server has the last word and refuses anyone else with NOT_OPERATOR). A guest who founded a room
 * is its operator, so standing, not the account, decides.
 */
export function mayModerate(state: ChatState, conv: Conversation | undefined): boolean {
  if (state.account?.role === 'admin') return true;
  return conv?.kind === 'room' && state.name !== null && (conv.ops ?? []).some((op) => sameName(op, state.name));
}

/** The moderation requests; answers come back as `moderated`/`restrictions`/`error` (chat-answers.ts). */
export class ChatModeration {
  constructor(
    private readonly send: (message: ClientMessage) => void,
    private readonly state: () => ChatState,
    private readonly update: (patch: Partial<ChatState>) => void,
  ) {}

  /** Remove `name` from `room`, or from the server (room null: administrators). */
  kick(name: string, room: string | null, reason: string): void {
    this.begin();
    const message: ClientMessage = room === null ? { type: 'kick', name } : { type: 'kick', name, room };
    this.send(reason.trim() === '' ? message : { ...message, reason: reason.trim() });
  }

  /** Ban or mute the name `name` in a room or server-wide, for a while or for ever. */
  restrict(name: string, choice: RestrictChoice): void {
    this.begin();
    const message: { type: 'ban' | 'mute'; kind: 'name'; value: string; room?: string; reason?: string; durationMs?: number } = { type: choice.type, kind: 'name', value: name };
    if (choice.room !== null) message.room = choice.room;
    if (choice.reason.trim() !== '') message.reason = choice.reason.trim();
    if (choice.durationMs !== null) message.durationMs = choice.durationMs;
    this.send(message);
  }

  /** Lift a ban or mute from the list, then list again. */
  lift(r: WireRestriction): void {
    this.begin();
    const type = r.type === 'ban' ? 'unban' : 'unmute';
    this.send(r.room === null ? { type, kind: r.kind, value: r.value } : { type, kind: r.kind, value: r.value, room: r.room });
    this.list(this.state().restrictions?.room ?? null);
  }

  /** Open the bans list: of `room` (its operators), or all of them (room null: administrators). */
  show(room: string | null): void {
    this.update({ restrictions: { room, list: null } });
    this.list(room);
  }

  close(): void {
    this.update({ restrictions: null, moderation: { done: null, error: null } });
  }

  /** Forget the last outcome (the menu closed). */
  clear(): void {
    this.update({ moderation: { done: null, error: null } });
  }

  private list(room: string | null): void {
    this.send(room === null ? { type: 'restrictions' } : { type: 'restrictions', room });
  }

  private begin(): void {
    this.update({ moderation: { done: null, error: null } });
  }
}
