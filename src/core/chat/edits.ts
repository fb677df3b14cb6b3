// Editing and deleting messages, and typing indicators: who may, and the live events they raise (the store updates the rows).
import { NetroomError } from '../errors.js';
import { foldName } from '../names.js';
import { checkMessage } from './message.js';
import { ChatState } from './chat-state.js';
import type { ChatOptions } from './chat-options.js';
import type { Presence } from './presence.js';
import type { FoundMessage, Member, MessageLookup, TypingState, TypingTarget } from './types.js';

/** The same typing state to the same target within this long is dropped (IRCv3 asks clients for one per 3 s anyway). */
export const TYPING_REPEAT_MS = 1000;

/** Typing targets remembered per member for the repeat rule; past this the memory starts over (a bound, not a rule). */
const TYPING_MEMORY = 64;

const TYPING_STATES: ReadonlySet<string> = new Set(['active', 'paused', 'done']);

/** What an edit or delete is about: the message's id, where it was said and by whom (what the cluster sends on). */
export interface EditTarget {
  readonly target: number;
  readonly room?: string;
  readonly to?: string;
  readonly author: string;
}

/** The chat's edit, delete and typing operations; Chat extends this (rules live here, in the core only). */
export abstract class ChatEdits extends ChatState {
  private lookup: MessageLookup | undefined;
  /** Per member: target key -> the last typing state sent there and when. */
  private readonly typed = new WeakMap<Presence, Map<string, { state: TypingState; at: number }>>();

  constructor(options: ChatOptions = {}) {
    super(options);
    this.lookup = options.messages;
  }

  /** Find messages through `lookup` from now on (the server wires the history store in start(), after it opened). */
  useMessages(lookup: MessageLookup): void {
    this.lookup = lookup;
  }

  /**
   * Change the text of one's own message (by its history id). Only the author edits: the same name,
   * and the same account when the message was sent signed in; the editor must still read it (in its
   * room, or a side of the conversation). Throws NOT_FOUND (no such message, not a message, deleted,
   * or not readable), PERMISSION_DENIED (not yours), MODERATED, MUTED, the message errors
   * (EMPTY_MESSAGE, MESSAGE_TOO_LONG, BAD_MESSAGE) or RATE_LIMITED (an edit takes a flood token).
   */
  async editMessage(member: Member, id: number, text: string): Promise<void> {
    this.presenceOf(member);
    const found = await this.findMessage(id);
    // The member may have left while the store answered.
    const presence = this.presenceOf(member);
    this.checkReadable(presence, found);
    if (!this.isAuthor(member, found)) throw new NetroomError('PERMISSION_DENIED', 'only its author edits a message', { id: found.id });
    if (found.room !== undefined) {
      const room = this.rooms_.of(found.room);
      if (room.modes.moderated && !room.ops.has(member) && !room.voiced.has(member) && !this.free(presence)) {
        throw new NetroomError('MODERATED', `${room.name} is moderated: only operators and voiced members speak`, { room: room.name });
      }
      if (!this.free(presence)) this.checkMuted(member, room.key, room.name);
    } else if (!this.free(presence)) {
      this.checkMuted(member, null, null);
    }
    const checked = checkMessage(text);
    this.takeToken(presence);
    this.emitEdit(member, targetOf(found), checked);
  }

  /**
   * Delete a message (by its history id): its author, a room's operators (in their room) and
   * administrators (anywhere). It stays in history as a tombstone. Throws NOT_FOUND, PERMISSION_DENIED
   * or RATE_LIMITED (a delete takes a flood token, like an edit, unless by an administrator).
   * A muted author may still delete: taking words back harms nobody.
   */
  async deleteMessage(member: Member, id: number): Promise<void> {
    this.presenceOf(member);
    const found = await this.findMessage(id);
    const presence = this.presenceOf(member);
    this.checkReadable(presence, found);
    const moderator = this.free(presence) || (found.room !== undefined && this.rooms_.of(found.room).ops.has(member));
    if (!moderator && !this.isAuthor(member, found)) {
      throw new NetroomError('PERMISSION_DENIED', found.room === undefined ? 'only its author deletes a direct message' : `only its author and operators of ${found.room} delete a message`, {
        id: found.id,
      });
    }
    if (!this.free(presence)) this.takeToken(presence);
    this.emitDelete(member, targetOf(found));
  }

  /**
   * Raise the edit another node decided (the cluster, under replaying()): no rule is asked again.
   * Also how a door's own path ends once the rules passed.
   */
  replayEdit(member: Member, target: EditTarget, text: string): void {
    this.emitEdit(member, target, text);
  }

  /** Raise the delete another node decided (see replayEdit). */
  replayDelete(member: Member, target: EditTarget): void {
    this.emitDelete(member, target);
  }

  /**
   * Tell a room (minus the typer) or the addressee that `member` is typing. Never stored, takes no
   * flood token; the same state to the same target within {@link TYPING_REPEAT_MS} is dropped, and
   * so is typing where the member could not speak (silently: it is a hint, not a request).
   * Throws BAD_REQUEST only for a malformed target or state (a door's mistake).
   */
  typing(member: Member, target: TypingTarget, state: TypingState): void {
    const presence = this.presenceOf(member);
    if (!TYPING_STATES.has(state)) throw new NetroomError('BAD_REQUEST', 'typing is active, paused or done');
    const room = 'room' in target && typeof target.room === 'string' ? target.room : undefined;
    const to = 'to' in target && typeof target.to === 'string' ? target.to : undefined;
    if ((room === undefined) === (to === undefined)) throw new NetroomError('BAD_REQUEST', 'typing is in a room or to a member');
    if (room !== undefined) {
      const r = this.rooms_.find(room);
      if (!r) return;
      if (!this.free(presence)) {
        if (!presence.rooms.has(r)) return;
        if (r.modes.moderated && !r.ops.has(member) && !r.voiced.has(member)) return;
        if (this.restriction('mute', member, r.key)) return;
      }
      if (this.repeated(presence, r.key, state)) return;
      const audience = r.list.filter((m) => m !== member);
      if (audience.length === 0 && this.replay === null) return;
      this.emit({ kind: 'typing', room: r.name, name: member.name, state, origin: member, audience });
      return;
    }
    const addressee = this.find(to as string);
    if (!addressee || addressee === member) return;
    if (!this.free(presence) && this.restriction('mute', member, null)) return;
    if (this.repeated(presence, `@${addressee.key}`, state)) return;
    this.emit({ kind: 'typing', to: addressee.name, name: member.name, state, origin: member, audience: [addressee] });
  }

  // ---- internals ------------------------------------------------------------------------------

  private async findMessage(id: number): Promise<FoundMessage> {
    if (!Number.isSafeInteger(id) || id <= 0) throw new NetroomError('NOT_FOUND', 'no such message', { id: String(id) });
    const found = this.lookup === undefined ? undefined : await this.lookup.find(id);
    if (found === undefined || found.deleted || (found.kind !== 'message' && found.kind !== 'dm')) throw new NetroomError('NOT_FOUND', `no message ${id}`, { id });
    return found;
  }

  /** NOT_FOUND unless `presence` reads the message: in its room (administrators: any room), or a side of the conversation. */
  private checkReadable(presence: Presence, found: FoundMessage): void {
    const member = presence.member;
    let readable: boolean;
    if (found.kind === 'message') {
      const room = found.room === undefined ? undefined : this.rooms_.find(found.room);
      readable = room !== undefined && (presence.rooms.has(room) || this.free(presence));
    } else {
      readable = this.free(presence) || foldName(found.name) === member.key || (found.to !== undefined && foldName(found.to) === member.key);
    }
    // The same answer as for no message at all: a message one cannot read does not exist for one.
    if (!readable) throw new NetroomError('NOT_FOUND', `no message ${found.id}`, { id: found.id });
  }

  /** The same name and, when the message was sent signed in, the same account. */
  private isAuthor(member: Member, found: FoundMessage): boolean {
    if (foldName(found.name) !== member.key) return false;
    if (found.account === undefined) return true;
    return member.account !== undefined && foldName(member.account) === foldName(found.account);
  }

  private emitEdit(member: Member, target: EditTarget, text: string): void {
    const where = this.whereOf(target);
    this.emit({ kind: 'edit', target: target.target, ...where.fields, author: target.author, name: member.name, text, origin: member, audience: where.audience });
  }

  private emitDelete(member: Member, target: EditTarget): void {
    const where = this.whereOf(target);
    this.emit({ kind: 'delete', target: target.target, ...where.fields, author: target.author, name: member.name, origin: member, audience: where.audience });
  }

  /** The event's place fields and its audience: the room's members, or both sides of the conversation connected now. */
  private whereOf(target: EditTarget): { fields: { room: string } | { to: string }; audience: readonly Member[] } {
    if (target.room !== undefined) {
      const room = this.rooms_.find(target.room);
      return { fields: { room: room?.name ?? target.room }, audience: room?.list ?? [] };
    }
    const to = target.to ?? '';
    const sides = new Set<Member>();
    for (const name of [target.author, to]) {
      const m = this.find(name);
      if (m) sides.add(m);
    }
    return { fields: { to }, audience: [...sides] };
  }

  /** True (and nothing remembered) when the same state went to the same target less than TYPING_REPEAT_MS ago. */
  private repeated(presence: Presence, key: string, state: TypingState): boolean {
    let seen = this.typed.get(presence);
    if (seen === undefined || seen.size >= TYPING_MEMORY) {
      seen = new Map();
      this.typed.set(presence, seen);
    }
    const now = this.now();
    const last = seen.get(key);
    if (last !== undefined && last.state === state && now - last.at < TYPING_REPEAT_MS) return true;
    seen.set(key, { state, at: now });
    return false;
  }
}

function targetOf(found: FoundMessage): EditTarget {
  return found.kind === 'message' ? { target: found.id, room: found.room ?? '', author: found.name } : { target: found.id, to: found.to ?? '', author: found.name };
}
