// A synchronous event emitter for the core (the Room, the Library): ordered delivery, listener errors contained.

/** A receiver of every event of one emitter. */
export type Listener<E> = (event: E) => void;

/**
 * Delivers each event to every listener, in subscription order. A listener's exception goes to
 * `onError` and the others still hear the event; the operation that emitted never sees it.
 *
 * A listener may cause another event while hearing one (a door whose socket just failed calls
 * `Room.leave()`). Delivering that nested event at once would give the listeners after it the
 * second event before the first (and a history store ids out of order), so events raised during
 * delivery are queued and delivered, in order, once the current one is done.
 */
export class Emitter<E> {
  private readonly listeners = new Set<Listener<E>>();
  private readonly pending: E[] = [];
  private delivering = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: Listener<E>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Listeners subscribed now. */
  get size(): number {
    return this.listeners.size;
  }

  /** Deliver `event` to every listener (after any event still being delivered). */
  emit(event: E): void {
    if (this.delivering) {
      this.pending.push(event);
      return;
    }
    this.delivering = true;
    try {
      // The usual case (nothing queued) goes straight to the listeners, not through the queue; events
      // left queued by an onError that threw still go first.
      if (this.pending.length === 0) this.deliver(event);
      else this.pending.push(event);
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) this.deliver(next);
    } finally {
      this.delivering = false;
    }
  }

  private deliver(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // One listener's failure must not stop the others from hearing the event.
        this.onError(err);
      }
    }
  }
}
