// Pure limiters: a token bucket for per-member flood control and the flag grammar that configures it.

/** Rate and burst of a token bucket: `rate` tokens per second, at most `burst` saved up. */
export interface FloodLimit {
  readonly rate: number;
  readonly burst: number;
}

/** Default flood control of SPEC section 1: 10 messages a second, bursts of 20. */
export const DEFAULT_FLOOD: FloodLimit = { rate: 10, burst: 20 };

/** Tolerance for floating-point rounding in refills; far below any real fraction of a token. */
const TOKEN_EPSILON = 1e-9;

/** A token bucket; time is passed in (milliseconds) so it stays pure and testable. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: FloodLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Take one token if there is one; false means the caller is over the limit. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rate);
    // Refills are sums of floating-point fractions (e.g. three 1/3 s steps at 3/s give 0.999...),
    // so compare with a tiny tolerance: a client sending exactly at the rate must not be refused.
    if (this.tokens < 1 - TOKEN_EPSILON) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Parse `RATE:BURST` (e.g. `10:20`) or `off`; returns null for off, throws on bad input. */
export function parseFlood(value: string): FloodLimit | null {
  if (value === 'off') return null;
  const match = /^(\d+(?:\.\d+)?):(\d+)$/.exec(value);
  if (!match) throw new Error(`--flood takes RATE:BURST (e.g. 10:20) or off, not "${value}"`);
  const rate = Number(match[1]);
  const burst = Number(match[2]);
  if (!(rate > 0) || !(burst >= 1)) throw new Error(`--flood needs a rate above 0 and a burst of at least 1`);
  return { rate, burst };
}
