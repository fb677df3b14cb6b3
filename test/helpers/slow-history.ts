// Test helper: a HistoryStore whose reads wait until the test lets them answer, as a networked store's may (writes pass at once).
import type { ChatEvent, FoundMessage } from '../../src/core/chat/types.js';
import type { ConversationSummary, HistoryStore, HistoryTarget, SearchScope, StoredEvent, StoredRoom } from '../../src/store/history.js';
import { Waker } from './waker.js';

/** A read waiting to answer: run later, so it sees what was appended meanwhile (a late answer from a real store may too). */
interface Parked {
  readonly run: () => void;
  readonly fail: (err: Error) => void;
}

/**
 * Wraps a store. While `hold()` is in force, every read waits; `release()` answers the waiting
 * reads (in order, from the store as it is then) and lets later ones through; `failNext()`
 * makes the waiting reads reject instead (the store is down). `reads()` resolves once `n` reads
 * wait, so a test synchronises on the read having started, never on time.
 */
export class SlowHistory implements HistoryStore {
  private held = false;
  private parked: Parked[] = [];
  private readonly waker = new Waker();

  constructor(readonly inner: HistoryStore) {}

  /** Reads from now on wait for release() (or fail()). */
  hold(): void {
    this.held = true;
  }

  /** Answer the waiting reads now, and let later reads through. */
  release(): void {
    this.held = false;
    const parked = this.parked;
    this.parked = [];
    for (const p of parked) p.run();
  }

  /** Reject the waiting reads (as a store that cannot be reached), and let later reads through. */
  fail(): void {
    this.held = false;
    const parked = this.parked;
    this.parked = [];
    for (const p of parked) p.fail(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  }

  /** Resolves once at least `n` reads are waiting. */
  async reads(n = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.parked.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} waiting reads, have ${this.parked.length}`);
      await this.waker.wait(left);
    }
  }

  private read<T>(answer: () => Promise<T>): Promise<T> {
    if (!this.held) return answer();
    return new Promise<T>((resolve, reject) => {
      this.parked.push({ run: () => void answer().then(resolve, reject), fail: reject });
      this.waker.wake();
    });
  }

  recent(target: HistoryTarget, limit: number): Promise<StoredEvent[]> {
    return this.read(() => this.inner.recent(target, limit));
  }

  page(target: HistoryTarget, before: number, limit: number): Promise<StoredEvent[]> {
    return this.read(() => this.inner.page(target, before, limit));
  }

  search(query: string, scope: SearchScope, limit: number, before?: number): Promise<StoredEvent[]> {
    return this.read(() => this.inner.search(query, scope, limit, before));
  }

  conversations(name: string, limit: number, since?: number): Promise<ConversationSummary[]> {
    return this.read(() => this.inner.conversations(name, limit, since));
  }

  get(id: number): Promise<FoundMessage | undefined> {
    return this.read(() => this.inner.get(id));
  }

  append(event: ChatEvent): StoredEvent | null {
    return this.inner.append(event);
  }

  storedOf(event: ChatEvent): StoredEvent | undefined {
    return this.inner.storedOf(event);
  }

  rooms(): StoredRoom[] {
    return this.inner.rooms();
  }

  saveRoom(room: StoredRoom): void {
    this.inner.saveRoom(room);
  }

  prune(): void {
    this.inner.prune();
  }

  close(): void {
    this.inner.close();
  }
}
