// The one chat room: members from every door, the rules of SPEC section 1, and typed events.
import { Emitter } from './emitter.js';
import { NetroomError } from './errors.js';
import { TokenBucket, type FloodLimit, DEFAULT_FLOOD } from './limits.js';
import { checkName, foldName } from './names.js';

/** Longest message, in Unicode code points. */
export const MAX_MESSAGE_LENGTH = 2000;

/** Why a member left: asked to, stopped answering, lost its connection, or the server closed. */
export type LeaveReason = 'quit' | 'timeout' | 'disconnect' | 'shutdown';

/** A member of the room, as handed to the door that let it in. */
export interface Member {
  /** The name as entered (NFC). */
  readonly name: string;
  /** The case-folded key that makes names unique across doors. */
  readonly key: string;
  /** Which door the member came through, e.g. "udp", "ws", "irc". */
  readonly door: string;
  /** Entry time, ms since the epoch. */
  readonly since: number;
}

interface EventBase {
  /** Monotonic event number within this server. */
  readonly id: number;
  /** Time of the event, ms since the epoch. */
  readonly at: number;
  /** The member who caused it; doors do not echo the event back to them. */
  readonly origin?: Member;
}

/** Everything that happens in the room; doors turn these into wire messages. */
export type RoomEvent =
  | (EventBase & { readonly kind: 'join'; readonly name: string })
  | (EventBase & { readonly kind: 'message'; readonly name: string; readonly text: string })
  | (EventBase & { readonly kind: 'leave'; readonly name: string; readonly reason: LeaveReason })
  | (EventBase & { readonly kind: 'announce'; readonly text: string })
  | (EventBase & { readonly kind: 'file'; readonly name?: string; readonly path: string; readonly size: number })
  | (EventBase & { readonly kind: 'closing' });

/** A receiver of every room event; a door registers one and fans out to its own members. */
export type RoomListener = (event: RoomEvent) => void;

/** Options of a Room; every limit has a default. */
export interface RoomOptions {
  /** Flood control per member; null turns it off. Default 10 messages/s, bursts of 20. */
  flood?: FloodLimit | null;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Where a listener's exception goes (a door bug); default: printed to stderr, the room goes on. */
  onListenerError?: (err: unknown) => void;
}

interface MemberState {
  member: Member;
  bucket: TokenBucket | null;
}

/** Distributive omit, so each event variant keeps its own fields. */
type NewEvent = RoomEvent extends infer E ? (E extends RoomEvent ? Omit<E, 'id' | 'at'> : never) : never;

/** The room: the one place that decides who is in, who may speak, and what everyone hears. */
export class Room {
  private readonly members = new Map<string, MemberState>();
  private readonly events: Emitter<RoomEvent>;
  private readonly flood: FloodLimit | null;
  private readonly now: () => number;
  private nextId = 1;

  constructor(options: RoomOptions = {}) {
    this.flood = options.flood === undefined ? DEFAULT_FLOOD : options.flood;
    this.now = options.now ?? Date.now;
    this.events = new Emitter(options.onListenerError ?? ((err) => console.error('netroom: room listener failed:', err)));
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: RoomListener): () => void {
    return this.events.subscribe(listener);
  }

  /** Enter the room under `name` through `door`; throws BAD_NAME, RESERVED_NAME or NAME_TAKEN. */
  enter(name: string, door: string): Member {
    const checked = checkName(name);
    const key = foldName(checked);
    const holder = this.members.get(key)?.member;
    if (holder) {
      // A look-alike or another case: say whom it clashes with, or the refusal looks arbitrary.
      const as = holder.name === checked ? '' : ` (as ${holder.name})`;
      throw new NetroomError('NAME_TAKEN', `the name ${checked} is already in the room${as}`, { name: checked, holder: holder.name });
    }
    const member: Member = { name: checked, key, door, since: this.now() };
    const bucket = this.flood ? new TokenBucket(this.flood, this.now()) : null;
    this.members.set(key, { member, bucket });
    this.emit({ kind: 'join', name: checked, origin: member });
    return member;
  }

  /** Say `text` as `member`; throws NOT_IN_ROOM, EMPTY_MESSAGE, MESSAGE_TOO_LONG, BAD_MESSAGE or RATE_LIMITED. */
  say(member: Member, text: string): void {
    const state = this.stateOf(member);
    const checked = checkMessage(text);
    if (state.bucket && !state.bucket.take(this.now())) {
      throw new NetroomError('RATE_LIMITED', 'too many messages: slow down and send that again');
    }
    this.emit({ kind: 'message', name: member.name, text: checked, origin: member });
  }

  /** Leave the room; a no-op for a member already gone (a door may race a timeout with a quit). */
  leave(member: Member, reason: LeaveReason = 'quit'): void {
    const state = this.members.get(member.key);
    if (!state || state.member !== member) return;
    this.members.delete(member.key);
    this.emit({ kind: 'leave', name: member.name, reason, origin: member });
  }

  /** An administrator announcement, heard by every member. */
  announce(text: string): void {
    this.emit({ kind: 'announce', text: checkMessage(text) });
  }

  /** Tell everyone an upload completed; `name` is the uploader where the door knows one. */
  fileShared(path: string, size: number, name?: string): void {
    this.emit(name === undefined ? { kind: 'file', path, size } : { kind: 'file', name, path, size });
  }

  /** Tell everyone the server is closing, then empty the room (members get no leave notices). */
  close(): void {
    this.emit({ kind: 'closing' });
    this.members.clear();
  }

  /** The members, in order of entry. */
  who(): Member[] {
    return [...this.members.values()].map((s) => s.member);
  }

  /** The member currently holding `name` (any case), if any. */
  find(name: string): Member | undefined {
    return this.members.get(foldName(name))?.member;
  }

  /** True while `member` (this very entry, not just its name) is in the room. */
  has(member: Member): boolean {
    return this.members.get(member.key)?.member === member;
  }

  get size(): number {
    return this.members.size;
  }

  private stateOf(member: Member): MemberState {
    const state = this.members.get(member.key);
    if (!state || state.member !== member) {
      throw new NetroomError('NOT_IN_ROOM', `${member.name} is not in the room`, { name: member.name });
    }
    return state;
  }

  private emit(partial: NewEvent): void {
    // Delivered in id order even when a listener acts on the room while hearing one (see Emitter).
    this.events.emit({ ...partial, id: this.nextId++, at: this.now() });
  }
}

// Control characters other than tab and newline would corrupt line-based doors.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const BAD_MESSAGE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]/u;

/** Validate message text: 1 to 2000 characters, not only whitespace, no control characters. */
export function checkMessage(text: string): string {
  // Doors decode JSON and wire formats; a non-string must be a clear error, not a TypeError.
  if (typeof text !== 'string') throw new NetroomError('BAD_MESSAGE', 'a message must be text');
  if (text.trim().length === 0) throw new NetroomError('EMPTY_MESSAGE', 'the message is empty');
  // UTF-16 length bounds the code point count from above, so the costly count is rarely needed.
  const length = text.length <= MAX_MESSAGE_LENGTH ? text.length : [...text].length;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new NetroomError('MESSAGE_TOO_LONG', `a message is at most ${MAX_MESSAGE_LENGTH} characters (this one has ${length})`, {
      max: MAX_MESSAGE_LENGTH,
      length,
    });
  }
  if (BAD_MESSAGE_CHARS.test(text)) throw new NetroomError('BAD_MESSAGE', 'the message contains control characters');
  return text;
}
