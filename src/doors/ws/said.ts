// The WebSocket door's `sent` answers: the id and time a `say` with a `ref` got, taken from its event as the door hears it.
import type { ChatEvent, Member } from '../../core/chat/types.js';
import type { RenderedHistory } from './history.js';

/** What a `sent` tells: the event's history id (0: not kept) and time. */
export interface Said {
  readonly id: number;
  readonly at: number;
}

/**
 * The core raises a message or direct message synchronously inside Chat.say/Chat.dm, and its
 * history id is only known while the event is being delivered (HistoryStore.storedOf answers for
 * the event appended last; an event raised by a listener meanwhile would replace it). So the door
 * watches for the member's own event during the call and notes its id as it hears it, the same id
 * its frame carries to everyone else.
 */
export class SaidWatch {
  private member: Member | null = null;
  private heard: Said | null = null;

  constructor(private readonly history: RenderedHistory) {}

  /**
   * Run `say` (Chat.say or Chat.dm for `member`; it throws when refused) and return what its event
   * got. Not heard (a chat that delivers later, which ours never does): id 0 and the time now.
   */
  run(member: Member, say: () => void): Said {
    this.member = member;
    this.heard = null;
    try {
      say();
      return this.heard ?? { id: 0, at: Date.now() };
    } finally {
      this.member = null;
      this.heard = null;
    }
  }

  /** Every chat event the door hears, first thing (cheap when nothing is watched: `say` is the hot path). */
  hear(event: ChatEvent): void {
    if (this.member === null || this.heard !== null) return;
    if ((event.kind !== 'message' && event.kind !== 'dm') || event.origin !== this.member) return;
    this.heard = { id: this.history.storedOf(event)?.id ?? 0, at: event.at };
  }
}
