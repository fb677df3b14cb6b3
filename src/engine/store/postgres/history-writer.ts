// The history's write queue: rows, rooms and prunes written in order in batches, retried with backoff while PostgreSQL is away.
import type pg from 'pg';
import type { StoredRoom } from '../../../store/history.js';
import { roomKeyOf, type PendingRow } from '../../../store/sqlite-rows.js';
import { applyChanges, insertEvents, upsertPeers, upsertRoom, type Statement } from './history-rows.js';
import type { PendingChange } from '../../../store/sqlite-edits.js';

/** Backoff between failed attempts: doubles from the first to the last. */
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;
/** Consecutive failures before the outage is reported (then every REPORT_EVERY more). */
const REPORT_AFTER = 5;
const REPORT_EVERY = 100;
/**
 * A batch PostgreSQL refuses for its content (not for being away) is tried this many times, then
 * reported with its row count and dropped: one bad row must not stop the history for good.
 */
const REFUSED_TRIES = 3;

/** What one batch holds. */
interface Batch {
  rows: PendingRow[];
  /** Edits and deletes, applied after the rows. */
  changes: PendingChange[];
  rooms: Map<string, StoredRoom>;
  /** Retention to apply after the rows (see history.ts), or null. */
  prune: ((client: pg.PoolClient) => Promise<void>) | null;
}

interface Waiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Hooks of the writer. */
export interface WriterHooks {
  /** Whether an error means PostgreSQL is away (retry for as long as it takes) rather than refusing the batch. */
  readonly isUnavailable: (err: unknown) => boolean;
  /** The error a waiting read is rejected with while PostgreSQL is away. */
  readonly unavailable: (err: unknown) => Error;
  /** Reports (an outage that lasts, a refused batch): never thrown into the event loop. */
  readonly onError: (err: unknown) => void;
  /** After each batch lands: the rows it wrote. */
  readonly written?: (rows: readonly PendingRow[]) => void;
}

/**
 * One writer per store: a single batch in flight, so rows land in the order they were appended.
 * Whatever was queued while a batch was in flight forms the next one: one transaction with one
 * multi-row INSERT per event-loop turn when quiet, larger batches under load. A failed batch goes
 * back to the front of the queue and is retried with backoff; nothing is dropped while PostgreSQL
 * is merely away.
 */
export class HistoryWriter {
  private rows: PendingRow[] = [];
  private changes: PendingChange[] = [];
  private rooms = new Map<string, StoredRoom>();
  private prune: Batch['prune'] = null;
  /** Every enqueue takes the next number; `landed` is the highest whose batch committed. */
  private queued = 0;
  private landed = 0;
  private waiters: Waiter[] = [];
  private running = false;
  private scheduled: NodeJS.Immediate | null = null;
  private backoff: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private failures = 0;
  private refusals = 0;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly hooks: WriterHooks,
  ) {}

  /** Rows and room changes waiting to be written. */
  get backlog(): number {
    return this.rows.length + this.changes.length + this.rooms.size;
  }

  addRows(rows: readonly PendingRow[]): void {
    for (const row of rows) this.rows.push(row);
    this.enqueued();
  }

  /** An edit or delete of a row written before it (or queued before it). */
  addChange(change: PendingChange): void {
    this.changes.push(change);
    this.enqueued();
  }

  addRoom(room: StoredRoom): void {
    // Only the last state of a room matters: a newer save replaces a queued one.
    this.rooms.set(roomKeyOf(room.name), room);
    this.enqueued();
  }

  addPrune(prune: (client: pg.PoolClient) => Promise<void>): void {
    this.prune = prune;
    this.enqueued();
  }

  /**
   * Resolves once everything queued so far has landed. While PostgreSQL is away it rejects (with
   * hooks.unavailable) at the next failed attempt, and asks for that attempt now rather than after
   * the backoff, so a read after an outage succeeds as soon as PostgreSQL is back.
   */
  settled(): Promise<void> {
    if (this.landed >= this.queued) return Promise.resolve();
    const upTo = this.queued;
    return new Promise((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.backoff?.wake();
      this.schedule();
    });
  }

  /**
   * Stop retrying after `deadlineMs`: what is still queued then is reported (never silently lost)
   * and dropped. Resolves when the writer is idle.
   */
  async drain(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (this.landed < this.queued && Date.now() < deadline && !this.stopped) {
      // A batch stuck on a silent network must not hold close() past the deadline either.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()))));
      try {
        if ((await Promise.race([this.settled(), late])) === 'late') break;
      } catch {
        // PostgreSQL away: the loop keeps retrying until the deadline.
        await new Promise((resolve) => setTimeout(resolve, Math.min(BACKOFF_FIRST_MS * 2, Math.max(0, deadline - Date.now()))));
      } finally {
        clearTimeout(timer);
      }
    }
    this.stopped = true;
    this.backoff?.wake();
    const lost = this.backlog;
    if (lost > 0) this.report(new Error(`history: ${lost} rows and room changes were not written: PostgreSQL could not be reached before closing`));
    this.rows = [];
    this.changes = [];
    this.rooms.clear();
    this.prune = null;
    this.rejectAll(this.hooks.unavailable(new Error('closed')));
  }

  private enqueued(): void {
    this.queued += 1;
    this.schedule();
  }

  private schedule(): void {
    if (this.running || this.scheduled !== null || this.backoff !== null || this.stopped) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      void this.run();
    });
  }

  /** Write batches until the queue is empty; never rejects. */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.stopped && this.landed < this.queued) {
        const upTo = this.queued;
        const batch: Batch = { rows: this.rows, changes: this.changes, rooms: this.rooms, prune: this.prune };
        this.rows = [];
        this.changes = [];
        this.rooms = new Map();
        this.prune = null;
        try {
          await this.write(batch);
        } catch (err) {
          this.putBack(batch);
          if (this.hooks.isUnavailable(err)) {
            this.refusals = 0;
            this.failures += 1;
            if (this.failures === REPORT_AFTER || (this.failures > REPORT_AFTER && this.failures % REPORT_EVERY === 0)) {
              this.report(new Error(`history: PostgreSQL unreachable (${this.failures} tries); ${this.backlog} rows and room changes wait and are retried`, { cause: err }));
            }
            this.rejectAll(this.hooks.unavailable(err));
            await this.pause();
            continue;
          }
          this.refusals += 1;
          if (this.refusals < REFUSED_TRIES) {
            await this.pause();
            continue;
          }
          // Refused every time for what it holds: report it, drop it, and go on with the rest.
          this.report(new Error(`history: PostgreSQL refused a batch of ${batch.rows.length} rows and ${batch.rooms.size} rooms ${REFUSED_TRIES} times; it was dropped`, { cause: err }));
          this.takeBack(batch);
        }
        this.failures = 0;
        this.refusals = 0;
        this.landed = upTo;
        // Before the waiting reads go on: a prune it queues is waited for by the reads that follow.
        if (batch.rows.length > 0) this.hooks.written?.(batch.rows);
        this.resolveUpTo(upTo);
      }
    } finally {
      this.running = false;
    }
  }

  private async write(batch: Batch): Promise<void> {
    const statements: Statement[] = insertEvents(batch.rows);
    const peers = upsertPeers(batch.rows);
    if (peers !== null) statements.push(peers);
    for (const s of applyChanges(batch.changes)) statements.push(s);
    for (const room of batch.rooms.values()) statements.push(upsertRoom(room));
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      if (statements.length > 0) {
        await client.query('BEGIN');
        for (const s of statements) await client.query(s.text, s.values);
        await client.query('COMMIT');
      }
      // Retention in a transaction of its own, after the rows: a failing prune never costs rows.
      // If PostgreSQL goes away here, the whole batch is tried again, which is harmless: the
      // inserts skip rows already there and the upserts set the same values.
      if (batch.prune !== null) {
        await client.query('BEGIN');
        try {
          await batch.prune(client);
          await client.query('COMMIT');
        } catch (err) {
          if (this.hooks.isUnavailable(err)) throw err;
          await client.query('ROLLBACK');
          this.report(new Error('history: retention failed; it runs again with the next prune', { cause: err }));
        }
      }
    } catch (err) {
      broken = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      // A client whose connection failed goes, not back to the pool.
      client.release(broken !== undefined && this.hooks.isUnavailable(broken) ? (broken as Error) : undefined);
    }
  }

  /** A failed batch goes back in front of what was queued since, in order. */
  private putBack(batch: Batch): void {
    this.rows = batch.rows.concat(this.rows);
    this.changes = batch.changes.concat(this.changes);
    for (const [key, room] of batch.rooms) if (!this.rooms.has(key)) this.rooms.set(key, room);
    this.prune ??= batch.prune;
  }

  /** Undo putBack for a batch given up. */
  private takeBack(batch: Batch): void {
    this.rows = this.rows.slice(batch.rows.length);
    this.changes = this.changes.slice(batch.changes.length);
    for (const [key, room] of batch.rooms) if (this.rooms.get(key) === room) this.rooms.delete(key);
    if (this.prune === batch.prune) this.prune = null;
  }

  private pause(): Promise<void> {
    const ms = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(10, Math.max(0, this.failures + this.refusals - 1)));
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.backoff = null;
        resolve();
      };
      // Not unref'd: rows are waiting, and the process should live to write them.
      const timer = setTimeout(wake, ms);
      this.backoff = { timer, wake };
    });
  }

  /** Tell hooks.onError; a throwing reporter must not stop the writer (nor reach the event loop). */
  private report(err: Error): void {
    try {
      this.hooks.onError(err);
    } catch {
      // nothing better to do
    }
  }

  private resolveUpTo(upTo: number): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.upTo <= upTo) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private rejectAll(err: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
  }
}
