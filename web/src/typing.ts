// Typing indicators: who is typing where (from live `typing` events, expiring on their own), and the composer's throttled `typing` messages.
import { dmKey, otherSide, roomKey, sameName } from './conversations.js';
import type { ClientMessage, WireEvent } from './protocol.js';

/** What a `typing` message or event says. */
export type TypingStatus = 'active' | 'paused' | 'done';

/** Where one types: a room, or the conversation with a member. */
export type TypingTarget = { readonly room: string } | { readonly to: string };

/** An indicator goes when not refreshed for this long (senders refresh `active` every 3 s). */
export const TYPING_EXPIRES_MS = 6000;
/** At most one `active` per this long while typing (IRCv3 +typing asks the same of clients). */
export const ACTIVE_EVERY_MS = 3000;
/** After this long without a key, the composer says `paused`. */
export const PAUSED_AFTER_MS = 5000;

type Listener = () => void;
type Typist = { readonly name: string; readonly timer: ReturnType<typeof setTimeout> };
type EventListener = (event: WireEvent, me: string | null) => void;

/** The wire message. */
export function typingMessage(target: TypingTarget, state: TypingStatus): ClientMessage {
  return 'room' in target ? { type: 'typing', room: target.room, state } : { type: 'typing', to: target.to, state };
}

/**
 * Who is typing, per conversation key: names shown until `paused`, `done`, their message, or
 * {@link TYPING_EXPIRES_MS} without a refresh. Also hands every live event to `onEvent`
 * listeners (desktop notifications), so the chat client has one place to call.
 */
export class TypingState {
  private readonly typing = new Map<string, Map<string, Typist>>();
  private readonly listeners = new Set<Listener>();
  private readonly eventListeners = new Set<EventListener>();

  /** A live event: a `typing` one is taken (true: it is no log line); a message clears its author's indicator. */
  take(event: WireEvent, me: string | null): boolean {
    if (event.kind === 'typing') {
      const name = event.name ?? '';
      if (name === '' || sameName(name, me)) return true;
      const key = event.room !== undefined ? roomKey(event.room) : dmKey(name);
      if (event.state === 'active') this.set(key, name);
      else this.drop(key, name);
      return true;
    }
    if ((event.kind === 'message' || event.kind === 'file') && event.room !== undefined) this.drop(roomKey(event.room), event.name ?? '');
    if (event.kind === 'dm') this.drop(dmKey(otherSide(event, me ?? '')), event.name ?? '');
    if (event.kind === 'leave' && event.room !== undefined) this.drop(roomKey(event.room), event.name ?? '');
    for (const listener of [...this.eventListeners]) listener(event, me);
    return false;
  }

  /** The names typing in the conversation `key`, in the order they started. */
  who(key: string | null): string[] {
    const here = key === null ? undefined : this.typing.get(key);
    return here === undefined ? [] : [...here.values()].map((t) => t.name);
  }

  /** Be told when who() may have changed; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Every live event that is not a typing one, as it arrives; returns the unsubscribe. */
  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }

  /** Forget everyone (we left the chat). */
  clear(): void {
    for (const here of this.typing.values()) for (const t of here.values()) clearTimeout(t.timer);
    this.typing.clear();
    this.changed();
  }

  private set(key: string, name: string): void {
    let here = this.typing.get(key);
    if (!here) this.typing.set(key, (here = new Map<string, Typist>()));
    const folded = name.toLowerCase();
    const had = here.get(folded);
    if (had) clearTimeout(had.timer);
    const timer = setTimeout(() => this.drop(key, name), TYPING_EXPIRES_MS);
    here.set(folded, { name, timer });
    if (!had) this.changed();
  }

  private drop(key: string, name: string): void {
    const here = this.typing.get(key);
    const had = here?.get(name.toLowerCase());
    if (!here || !had) return;
    clearTimeout(had.timer);
    here.delete(name.toLowerCase());
    if (here.size === 0) this.typing.delete(key);
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * The composer's side: `active` at most every {@link ACTIVE_EVERY_MS} while keys come,
 * `paused` after {@link PAUSED_AFTER_MS} without one, `done` when the text is sent or cleared
 * (or the composer moves to another room or conversation).
 */
export class TypingSender {
  private target: TypingTarget | null = null;
  private lastActive = 0;
  private pauseTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (target: TypingTarget, state: TypingStatus) => void) {}

  /** The text in the box changed while `target` is on screen. */
  input(target: TypingTarget, empty: boolean): void {
    if (this.target !== null && !sameTarget(this.target, target)) this.done();
    if (empty) {
      this.done();
      return;
    }
    const now = Date.now();
    if (this.target === null || now - this.lastActive >= ACTIVE_EVERY_MS) {
      this.send(target, 'active');
      this.lastActive = now;
    }
    this.target = target;
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null;
      if (this.target === null) return;
      this.send(this.target, 'paused');
      // The next key says `active` again at once.
      this.lastActive = 0;
    }, PAUSED_AFTER_MS);
  }

  /** Sent or cleared: `done`, once, if we had said anything. */
  done(): void {
    if (this.pauseTimer !== null) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    if (this.target === null) return;
    this.send(this.target, 'done');
    this.target = null;
    this.lastActive = 0;
  }
}

function sameTarget(a: TypingTarget, b: TypingTarget): boolean {
  return 'room' in a ? 'room' in b && sameName(a.room, b.room) : 'to' in b && sameName(a.to, b.to);
}
