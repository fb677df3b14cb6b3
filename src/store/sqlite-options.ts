// The SQLite history store's file names, defaults, batch sizes and options.

/** The database file inside the data folder. */
export const HISTORY_FILE = 'history.sqlite';
/** SQLite's companions of the database file: they hold the same rows, so they get the same mode. */
export const HISTORY_COMPANIONS = ['-wal', '-shm', '-journal'] as const;
/** Default retention by count: each room and each conversation keeps its newest 10,000 events. */
export const DEFAULT_MAX_EVENTS = 10_000;
/** Default retention by age: 30 days. */
export const DEFAULT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Default period of the background prune (an unref'ed timer). */
export const DEFAULT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Appends between two prunes by count, so a busy room never grows far past maxEvents. */
export const PRUNE_EVERY_APPENDS = 1000;
/**
 * Rows written but not yet in the full-text index that make the next flush start indexing them
 * (in steps of FTS_INDEX_CHUNK). FTS5 writes one new segment per indexing transaction (then merges
 * segments), so its cost per row falls steeply with the batch: measured per row, about 20 us for 20
 * rows, 8 us for 1,000, 4-5 us for 4,000 (trigram, chat-sized lines). Large, so that a burst of
 * messages (tens of thousands) is indexed in the quiet after it rather than while it is delivered:
 * at 4,000 the indexing fell inside the IRC fan-out benchmark's bursts (50 x 200: 1.85 M
 * deliveries/s, p99 231 ms; at 50,000: 2.24 M, p99 160 ms, medians of 3, same machine). A search
 * indexes what trails first, so it never misses a row; the backlog a search may have to index
 * first is at most this many rows (about 0.2 s).
 */
export const FTS_INDEX_BATCH = 50_000;
/** How long writing must pause before a background step indexes a smaller backlog (at most a batch trails). */
export const FTS_INDEX_DELAY_MS = 1000;
/** Ids one indexing step covers at most, so catching up after a burst never blocks the loop long. */
export const FTS_INDEX_CHUNK = 5000;

/**
 * Write-behind during a burst: while a door still has input waiting (IRC's metered reader), queued
 * rows wait for the burst to pause, up to this long or WRITE_BEHIND_ROWS rows, before they are
 * written. The commit (about 5 us a row) then no longer sits between a busy room's reads: at 50 x 200
 * on the shared IRC generator, p99 159 -> 106 ms (medians of 8, same machine, same run). A crash
 * (not a stop: close() writes everything) may lose this much history.
 */
export const WRITE_BEHIND_MS = 1000;
/** The most rows write-behind holds (memory: a few MB). */
export const WRITE_BEHIND_ROWS = 20_000;

/** Options of {@link SqliteHistory.open}; every one has a default. */
export interface SqliteHistoryOptions {
  /** Each room and conversation keeps at most this many events (newest win). Default 10,000. */
  maxEvents?: number;
  /** Drop events older than this, in ms. Default 30 days. */
  maxAgeMs?: number;
  /** Clock for the age cut-off, injectable for tests. Default Date.now. */
  now?: () => number;
  /** Period of the background prune. Default one hour. */
  pruneIntervalMs?: number;
  /** Where a failed background write goes (disk full...); the chat goes on. Default: stderr. */
  onError?: (err: unknown) => void;
}

/** A limit of at least 1 (config validates flags: a bad one here is a programming error). */
export function positive(value: number, what: string): number {
  if (!(value >= 1) || !Number.isFinite(value)) throw new RangeError(`${what} must be a number of at least 1`);
  return value;
}

/** The store's limits with every default filled in. */
export interface Limits {
  readonly maxEvents: number;
  readonly maxAgeMs: number;
  readonly pruneIntervalMs: number;
}
