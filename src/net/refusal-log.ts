// Logs refused connections without letting a flood flood the log: one line per address per window, with a count.
import type { Logger } from 'pino';
import type { RefusalReason } from './limits.js';

/** Addresses tracked at once; refusals past this many addresses in one window share one line. */
const MAX_TRACKED = 1000;

interface Window {
  /** Refusals since the last line. */
  count: number;
  door: string;
  reason: RefusalReason;
  cap: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * A refusal is logged at once the first time in a window (so the first sign of a flood is seen
 * when it starts); later ones in the same window are counted and reported in one line when the
 * window ends. Refusals by the server's or a door's total cap share one key, whatever the address:
 * many addresses filling the server give one line per window, not one per address.
 */
export class RefusalLog {
  private readonly windows = new Map<string, Window>();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly everyMs: number,
  ) {}

  /** A connection from `address` (its counting key) was refused by `door` for `reason` (a cap of `cap`). */
  note(door: string, address: string, reason: RefusalReason, cap: number): void {
    let key = reason === 'address' ? address : `${reason}:${door}`;
    if (!this.windows.has(key) && this.windows.size >= MAX_TRACKED) key = 'other addresses';
    const open = this.windows.get(key);
    if (open !== undefined) {
      open.count += 1;
      open.door = door;
      open.cap = cap;
      return;
    }
    this.write(key, door, reason, cap, 1, false);
    if (this.closed) return;
    const timer = setInterval(() => this.tick(key), this.everyMs);
    timer.unref();
    this.windows.set(key, { count: 0, door, reason, cap, timer });
  }

  /** Stop every timer; counts not yet written are written now. */
  close(): void {
    this.closed = true;
    for (const key of [...this.windows.keys()]) this.tick(key, true);
  }

  private tick(key: string, last = false): void {
    const open = this.windows.get(key);
    if (open === undefined) return;
    if (open.count > 0) this.write(key, open.door, open.reason, open.cap, open.count, true);
    if (open.count === 0 || last) {
      clearInterval(open.timer);
      this.windows.delete(key);
    } else {
      open.count = 0;
    }
  }

  private write(key: string, door: string, reason: RefusalReason, cap: number, refused: number, summary: boolean): void {
    const what =
      reason === 'address'
        ? 'too many connections from one address'
        : reason === 'door'
          ? `too many connections to the ${door} door`
          : 'too many connections to the server';
    const fields = {
      door,
      reason,
      cap,
      refused,
      ...(reason === 'address' ? { address: key } : {}),
      ...(summary ? { windowMs: this.everyMs } : {}),
    };
    this.log.warn(fields, summary ? `connections refused (${what}) in the last ${this.everyMs / 1000} s` : `connection refused: ${what}`);
  }
}
