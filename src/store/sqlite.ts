// The embedded history store: room events in SQLite (better-sqlite3, WAL), batched writes, count and age retention.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RoomEvent } from '../core/room.js';
import { ensurePrivateDirSync, ensurePrivateFileSync, tightenFileSync } from '../private-mode.js';
import { storable, type HistoryStore, type StoredEvent } from './history.js';
import { describeOpenError } from './sqlite-errors.js';

/** The database file inside the data folder. */
export const HISTORY_FILE = 'history.sqlite';
/** SQLite's companions of the database file: they hold the same rows, so they get the same mode. */
export const HISTORY_COMPANIONS = ['-wal', '-shm', '-journal'] as const;
/** Default retention by count: the newest 10,000 events are kept. */
export const DEFAULT_MAX_EVENTS = 10_000;
/** Default retention by age: 30 days. */
export const DEFAULT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Default period of the background prune (an unref'ed timer). */
export const DEFAULT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Appends between two prunes by count, so a busy room never grows far past maxEvents. */
export const PRUNE_EVERY_APPENDS = 1000;

/** Options of {@link SqliteHistory.open}; every one has a default. */
export interface SqliteHistoryOptions {
  /** Keep at most this many events (newest win). Default 10,000. */
  maxEvents?: number;
  /** Drop events older than this, in ms. Default 30 days. */
  maxAgeMs?: number;
  /** Clock for the age cut-off, injectable for tests. Default Date.now. */
  now?: () => number;
  /** Period of the background prune. Default one hour. */
  pruneIntervalMs?: number;
  /** Where a failed background write goes (disk full...); the room goes on. Default: stderr. */
  onError?: (err: unknown) => void;
}

/** The schema version kept in `PRAGMA user_version`, so later versions can migrate. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    kind   TEXT    NOT NULL,
    name   TEXT,
    text   TEXT,
    path   TEXT,
    size   INTEGER,
    reason TEXT
  );
  CREATE INDEX IF NOT EXISTS events_at ON events (at);
`;

interface Row {
  id: number;
  at: number;
  kind: StoredEvent['kind'];
  name: string | null;
  text: string | null;
  path: string | null;
  size: number | null;
  reason: string | null;
}

type Params = [number, number, string, string | null, string | null, string | null, number | null, string | null];

function toParams(event: StoredEvent): Params {
  return [event.id, event.at, event.kind, event.name ?? null, event.text ?? null, event.path ?? null, event.size ?? null, event.reason ?? null];
}

/** A row as a StoredEvent: absent fields stay absent (not null), like the events the room emits. */
function fromRow(row: Row): StoredEvent {
  const event: { -readonly [K in keyof StoredEvent]: StoredEvent[K] } = { id: row.id, at: row.at, kind: row.kind };
  if (row.name !== null) event.name = row.name;
  if (row.text !== null) event.text = row.text;
  if (row.path !== null) event.path = row.path;
  if (row.size !== null) event.size = row.size;
  if (row.reason !== null) event.reason = row.reason;
  return event;
}

function positive(value: number, what: string): number {
  if (!(value >= 1) || !Number.isFinite(value)) throw new RangeError(`${what} must be a number of at least 1`);
  return value;
}

interface Limits {
  readonly maxEvents: number;
  readonly maxAgeMs: number;
  readonly pruneIntervalMs: number;
}

/**
 * Room events in `DATA/history.sqlite`. Ids come from the store (AUTOINCREMENT, so they increase
 * across restarts and are never reused after a prune).
 *
 * `append` is on the room's hot path, so it does not write at once: it assigns the id in memory
 * and queues the row; all rows queued during one event-loop turn are written in one transaction
 * (about 2 us a row instead of 18 us for a commit each). `recent` writes the queue first, so it
 * always sees every event appended so far. Assigning ids in memory is only safe for a single
 * writer, so the database is opened in EXCLUSIVE locking mode: a second server on the same
 * `--data` folder is refused at open with a clear error instead of corrupting the id sequence.
 */
export class SqliteHistory implements HistoryStore {
  private readonly insert: Database.Statement<Params>;
  private readonly selectRecent: Database.Statement<[number, number], Row>;
  private readonly deleteOlder: Database.Statement<[number]>;
  private readonly deleteBeyond: Database.Statement<[number]>;
  private readonly writeBatch: (rows: readonly StoredEvent[]) => void;
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly pruneTimer: NodeJS.Timeout;
  private nextId: number;
  private pending: StoredEvent[] = [];
  private flushScheduled: NodeJS.Immediate | null = null;
  private appendsSincePrune = 0;
  private closed = false;
  /** The last event appended and its stored form; see {@link storedOf}. */
  private lastEvent: RoomEvent | undefined;
  private lastStored: StoredEvent | undefined;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteHistoryOptions,
    limits: Limits,
  ) {
    this.maxEvents = limits.maxEvents;
    this.maxAgeMs = limits.maxAgeMs;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((err) => console.error('netroom: history store write failed:', err));
    this.insert = db.prepare<Params>('INSERT INTO events (id, at, kind, name, text, path, size, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.selectRecent = db.prepare<[number, number], Row>(
      'SELECT * FROM (SELECT * FROM events WHERE at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id ASC',
    );
    this.deleteOlder = db.prepare<[number]>('DELETE FROM events WHERE at < ?');
    // Keep the newest maxEvents rows: delete everything at or below the id of the first row past them.
    this.deleteBeyond = db.prepare<[number]>('DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)');
    this.writeBatch = db.transaction((rows: readonly StoredEvent[]) => {
      for (const row of rows) this.insert.run(...toParams(row));
    });
    // sqlite_sequence remembers the highest id ever used, even when pruning deleted that row.
    const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number | undefined;
    const max = db.prepare('SELECT max(id) FROM events').pluck().get() as number | null;
    this.nextId = Math.max(seq ?? 0, max ?? 0) + 1;
    this.pruneTimer = setInterval(() => this.safely(() => this.prune()), limits.pruneIntervalMs);
    this.pruneTimer.unref();
  }

  /**
   * Open (creating if needed) `dataDir/history.sqlite`, creating `dataDir` too. Throws an Error
   * with a one-line reason when the folder cannot be created, the file is not a database, or
   * another process holds it. Retention is applied once at open.
   */
  static open(dataDir: string, options: SqliteHistoryOptions = {}): SqliteHistory {
    // Bad limits are a programming error (config validates flags): a RangeError, before touching the disk.
    const limits: Limits = {
      maxEvents: Math.floor(positive(options.maxEvents ?? DEFAULT_MAX_EVENTS, 'maxEvents')),
      maxAgeMs: positive(options.maxAgeMs ?? DEFAULT_MAX_AGE_MS, 'maxAgeMs'),
      pruneIntervalMs: positive(options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS, 'pruneIntervalMs'),
    };
    const file = join(dataDir, HISTORY_FILE);
    let db: Database.Database | undefined;
    try {
      // SPEC 4: the folder is created 0700 and the history is 0600, whatever the umask. The file is
      // made (or narrowed) before SQLite opens it: SQLite gives its journals the database's mode.
      ensurePrivateDirSync(dataDir);
      ensurePrivateFileSync(file);
      for (const suffix of HISTORY_COMPANIONS) tightenFileSync(file + suffix);
      db = new Database(file, { timeout: 0 });
      // EXCLUSIVE before WAL: the lock is taken by the first write below and kept until close,
      // and SQLite then keeps the WAL index in memory (no -shm file).
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a power loss may lose the last commits, never corrupt the file.
      db.pragma('synchronous = NORMAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`it was written by a newer netroom (schema ${version}, this one knows ${SCHEMA_VERSION})`);
      }
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      const store = new SqliteHistory(db, options, limits);
      store.prune();
      return store;
    } catch (err) {
      db?.close();
      throw new Error(`cannot open the chat history ${file}: ${describeOpenError(err)}`, { cause: err });
    }
  }

  /** Queue one event (written at the end of this event-loop turn). `closing` is not history: null. */
  append(event: RoomEvent): StoredEvent | null {
    if (this.closed) return null;
    const fields = storable(event);
    if (fields === null) return null;
    const stored: StoredEvent = { id: this.nextId++, ...fields };
    this.pending.push(stored);
    this.lastEvent = event;
    this.lastStored = stored;
    this.flushScheduled ??= setImmediate(this.flushLater);
    return stored;
  }

  /**
   * The stored form of `event` if it is the one appended last, else undefined. The room delivers
   * each event to every listener before the next one, and the server subscribes this store before
   * any door, so a door hearing an event can give it the same id it will have in {@link recent}.
   */
  storedOf(event: RoomEvent): StoredEvent | undefined {
    return event === this.lastEvent ? this.lastStored : undefined;
  }

  /** The most recent `limit` events within the age limit, oldest first (queued ones included). */
  recent(limit: number): StoredEvent[] {
    if (this.closed || !(limit > 0)) return [];
    // A failed write is reported, and what the database holds is still worth showing.
    this.safely(() => this.flush());
    return this.selectRecent.all(this.now() - this.maxAgeMs, Math.floor(limit)).map(fromRow);
  }

  /** Apply retention now: drop events older than maxAgeMs, then all but the newest maxEvents. */
  prune(): void {
    if (this.closed) return;
    this.flush();
    this.appendsSincePrune = 0;
    this.deleteOlder.run(this.now() - this.maxAgeMs);
    this.deleteBeyond.run(this.maxEvents);
  }

  /** Write what is queued and release the database (and its lock). Further calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.safely(() => this.flush());
    this.closed = true;
    clearInterval(this.pruneTimer);
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    this.db.close();
  }

  private readonly flushLater = (): void => {
    this.flushScheduled = null;
    this.safely(() => {
      this.flush();
      if (this.appendsSincePrune >= PRUNE_EVERY_APPENDS) this.prune();
    });
  };

  /** Write the queue in one transaction. On failure the rows are dropped (the room must go on). */
  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.appendsSincePrune += rows.length;
    this.writeBatch(rows);
  }

  /** Run background work; a failure (disk full, I/O error) is reported, never thrown into the loop. */
  private safely(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.onError(err);
    }
  }
}
