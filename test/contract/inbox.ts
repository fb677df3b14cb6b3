// A log of received items that tests await by predicate (never by sleeping); shared by the contract adapters.
import { Waker } from '../helpers/waker.js';

/**
 * Default wait for an item; a miss fails the test and shows what did arrive. A deadline, not a
 * measure: a wait ends as soon as the item arrives. Generous because the networked contract runs
 * cross a PostgreSQL write and a Redis hop on a machine running two test files at once (5 s was
 * missed once that way).
 */
export const CONTRACT_WAIT_MS = 15_000;

/** Items in arrival order; `waitFor` consumes up to the first match, `all` shows everything. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private cursor = 0;
  private readonly waker = new Waker();

  constructor(private readonly label: string) {}

  push(item: T): void {
    this.items.push(item);
    this.waker.wake();
  }

  /** Everything received so far, consumed or not. */
  all(): readonly T[] {
    return this.items;
  }

  /** Skip items until one matches and return it. */
  async waitFor(match: (item: T) => boolean, timeoutMs = CONTRACT_WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.items.length) {
        const item = this.items[this.cursor++] as T;
        if (match(item)) return item;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: nothing matching within ${timeoutMs} ms; got ${JSON.stringify(this.items)}`);
      await this.waker.wait(left);
    }
  }
}
