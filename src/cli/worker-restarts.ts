// When the primary of `serve --workers N` replaces a worker that died: a growing delay, and a cap.

/** The restart policy's numbers. */
export interface RestartLimits {
  /** Delay before the first replacement; each further failure within the window doubles it. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures counted over this long. */
  readonly windowMs: number;
  /** More failures than this within the window: the slot is given up (the server stops). */
  readonly maxFailures: number;
}

export const DEFAULT_RESTART_LIMITS: RestartLimits = { firstDelayMs: 500, maxDelayMs: 30_000, windowMs: 10 * 60_000, maxFailures: 5 };

/**
 * One worker slot's failures. A worker that crashes once in a while is replaced soon; one that
 * keeps crashing (a bad disk, an engine refusing it) is replaced ever more slowly, then given up:
 * a server that stops with the reason logged is better than one that spins, and a service manager
 * can restart the whole of it.
 */
export class RestartPolicy {
  private failures: number[] = [];

  constructor(private readonly limits: RestartLimits = DEFAULT_RESTART_LIMITS) {}

  /** The worker died at `now`: the delay before its replacement, or null when the slot has failed too often. */
  failed(now: number): number | null {
    this.failures = this.failures.filter((at) => now - at < this.limits.windowMs);
    this.failures.push(now);
    const count = this.failures.length;
    if (count > this.limits.maxFailures) return null;
    return Math.min(this.limits.maxDelayMs, this.limits.firstDelayMs * 2 ** (count - 1));
  }

  /** Failures within the window ending at `now`. */
  recent(now: number): number {
    return this.failures.filter((at) => now - at < this.limits.windowMs).length;
  }
}
