// UDP door limits that need memory per source: error-reply budgets per address and throttled log lines.
import type { FloodLimit } from '../../core/limits.js';

/** Default error replies per address: 5 a second, bursts of 10 (issue 10 item 7). */
export const DEFAULT_ERROR_RATE: FloodLimit = { rate: 5, burst: 10 };

/**
 * Addresses whose budgets are remembered at once. Past it, budgets back to full are forgotten
 * (they hold nothing a new one would not); under a flood from more addresses than this all are
 * dropped, which at worst lets each address its burst again. Memory stays bounded either way.
 */
const MAX_TRACKED = 10_000;

interface Budget {
  tokens: number;
  last: number;
}

/**
 * Token buckets keyed by source (an IP, or an IP and port), for replies the door is not obliged to
 * send. A datagram costs the sender nothing to forge, so the answer must be what is limited.
 */
export class ReplyBudgets {
  private readonly budgets = new Map<string, Budget>();
  /** Milliseconds after which an untouched bucket is full again. */
  private readonly refillMs: number;

  constructor(private readonly limit: FloodLimit) {
    if (!(limit.rate > 0) || !(limit.burst >= 1)) throw new RangeError('an error-reply limit needs a rate above 0 and a burst of at least 1');
    this.refillMs = (limit.burst / limit.rate) * 1000;
  }

  /** Take one reply from `key`'s budget at time `now` (ms); false: stay silent. */
  take(key: string, now: number): boolean {
    let budget = this.budgets.get(key);
    if (budget === undefined) {
      if (this.budgets.size >= MAX_TRACKED) this.prune(now);
      budget = { tokens: this.limit.burst, last: now };
      this.budgets.set(key, budget);
    } else {
      const elapsed = Math.max(0, now - budget.last) / 1000;
      budget.tokens = Math.min(this.limit.burst, budget.tokens + elapsed * this.limit.rate);
      budget.last = now;
    }
    if (budget.tokens < 1) return false;
    budget.tokens -= 1;
    return true;
  }

  /** Addresses currently tracked (for the tests: it must stay bounded). */
  get size(): number {
    return this.budgets.size;
  }

  private prune(now: number): void {
    for (const [key, budget] of this.budgets) if (now - budget.last >= this.refillMs) this.budgets.delete(key);
    if (this.budgets.size >= MAX_TRACKED) this.budgets.clear();
  }
}

/**
 * One log line per kind of event per interval: the first occurrence at once, later ones counted
 * and reported with the next line. A flood of refusals must not become a flood of log lines.
 */
export class LogThrottle {
  private readonly next = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(private readonly intervalMs = 10_000) {}

  /**
   * Whether to log an event of `kind` now; when true, `suppressed` says how many were held back
   * since the last line.
   */
  allow(kind: string, now: number): { readonly log: boolean; readonly suppressed: number } {
    if (now < (this.next.get(kind) ?? 0)) {
      this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
      return { log: false, suppressed: 0 };
    }
    const suppressed = this.suppressed.get(kind) ?? 0;
    this.suppressed.delete(kind);
    this.next.set(kind, now + this.intervalMs);
    return { log: true, suppressed };
  }
}
