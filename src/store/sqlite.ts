// The embedded history store: chat events per room and conversation in SQLite (WAL), batched writes, paging, FTS5 search, retention.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { ChatEvent, FoundMessage } from '../core/chat/types.js';
import { afterOutput } from '../net/after-output.js';
import { ensurePrivateDirSync, ensurePrivateFileSync, tightenFileSync } from '../private-mode.js';
import type { ConversationSummary, HistoryStore, HistoryTarget, SearchScope, StoredEvent, StoredRoom } from './history.js';
import { answered, describeOpenError } from './sqlite-errors.js';
import { Retention } from './sqlite-retention.js';
import { conversationKey, fromRow, nameKeyOf, roomKeyOf, rowsOf, type PendingRow, type Row } from './sqlite-rows.js';
import { ANNOUNCE_CONV, migrate } from './sqlite-schema.js';
import { RoomTable } from './sqlite-rooms.js';
import { ReadRows } from './sqlite-reads.js';
import { batchWriter, ftsIndexer } from './sqlite-writes.js';
import { EditRows, changeOf, type PendingChange } from './sqlite-edits.js';
import { planSearch, runSearch } from './sqlite-search.js';
import {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_EVENTS,
  DEFAULT_PRUNE_INTERVAL_MS,
  FTS_INDEX_BATCH,
  FTS_INDEX_CHUNK,
  FTS_INDEX_DELAY_MS,
  HISTORY_COMPANIONS,
  HISTORY_FILE,
  PRUNE_EVERY_APPENDS,
  WRITE_BEHIND_MS,
  WRITE_BEHIND_ROWS,
  positive,
  type Limits,
  type SqliteHistoryOptions,
} from './sqlite-options.js';

export { conversationKey } from './sqlite-rows.js';

/** Reads past the end: the cursor of recent(). */
const NEWEST = Number.MAX_SAFE_INTEGER;


/**
 * Chat events in `DATA/history.sqlite`, one row per room (or conversation) an event touched. Ids
 * come from the store (AUTOINCREMENT, so they increase across restarts and are never reused after
 * a prune); they are the paging cursor.
 *
 * `append` is on the chat's hot path, so it does not write at once: it assigns the id in memory
 * and queues the row; the queue is written in one transaction once the turn's output has left
 * (afterOutput), or, while a burst is still being read, once it pauses (write-behind, bounded by
 * WRITE_BEHIND_MS and WRITE_BEHIND_ROWS).
 * Every read writes the queue first, so it sees every event appended so far. Reads run at once,
 * synchronously; they return promises only because the interface's reads are async (a networked
 * store answers over the network), so a read started after an append still sees it. Assigning ids in
 * memory is only safe for a single writer, so the database is opened in EXCLUSIVE locking mode: a
 * second server on the same `--data` folder is refused at open with a clear error.
 *
 * The full-text index trails the writes: it is brought up to date in large batches (once
 * {@link FTS_INDEX_BATCH} rows wait, right after the flush that made them wait, or once writing
 * paused for {@link FTS_INDEX_DELAY_MS} with a smaller backlog; at most {@link FTS_INDEX_CHUNK}
 * ids a step), and search() indexes the rest before it looks, so it too sees everything.
 * Tokenizing costs more than the write itself, and far more in small batches; off the write it
 * does not slow a burst of messages (see the README's history section for the figures).
 */
export class SqliteHistory implements HistoryStore {
  private readonly reads: ReadRows;
  private readonly roomTable: RoomTable;
  private readonly indexRange: (from: number, to: number) => void;
  private readonly writeBatch: (rows: readonly PendingRow[]) => void;
  private readonly retention: Retention;
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly pruneTimer: NodeJS.Timeout;
  private nextId: number;
  /** The highest id written to the database so far. */
  private writtenUpTo: number;
  /** The highest id the FTS index covers. */
  private ftsUpTo: number;
  private pending: PendingRow[] = [];
  /** Edits and deletes queued after `pending` (written after it, in the same transaction). */
  private changes: PendingChange[] = [];
  private readonly edits: EditRows;
  /** Conversations that got rows since the last count prune: the only ones it needs to look at. */
  private grown = new Set<string>();
  /** A write is queued with afterOutput (at most one at a time). */
  private flushScheduled = false;
  /** When the oldest queued row or change was queued (performance.now()), for write-behind's bound. */
  private queuedSince = 0;
  private indexTimer: NodeJS.Timeout | null = null;
  private appendsSincePrune = 0;
  private closed = false;
  /** The last event appended and its stored form; see {@link storedOf}. */
  private lastEvent: ChatEvent | undefined;
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
    this.reads = new ReadRows(db);
    this.roomTable = new RoomTable(db);
    this.indexRange = ftsIndexer(db);
    this.writeBatch = batchWriter(db);
    this.retention = new Retention(db);
    this.edits = new EditRows(db);
    // sqlite_sequence remembers the highest id ever used, even when pruning deleted that row.
    const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number | undefined;
    const max = db.prepare('SELECT max(id) FROM events').pluck().get() as number | null;
    this.writtenUpTo = Math.max(seq ?? 0, max ?? 0);
    this.nextId = this.writtenUpTo + 1;
    this.ftsUpTo = db.prepare("SELECT value FROM meta WHERE key = 'fts_upto'").pluck().get() as number;
    this.pruneTimer = setInterval(() => this.safely(() => this.prune()), limits.pruneIntervalMs);
    this.pruneTimer.unref();
  }

  /**
   * Open (creating if needed) `dataDir/history.sqlite`, creating `dataDir` too, and migrate it to
   * the current schema. Throws an Error with a one-line reason when the folder cannot be created,
   * the file is not a database or comes from a newer netroom, or another process holds it.
   * Retention is applied once at open, and the full-text index catches up if it trailed at close.
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
      // EXCLUSIVE before WAL: the lock is taken by the first write (in migrate) and kept until
      // close, and SQLite then keeps the WAL index in memory (no -shm file).
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a power loss may lose the last commits, never corrupt the file.
      db.pragma('synchronous = NORMAL');
      migrate(db);
      const store = new SqliteHistory(db, options, limits);
      store.indexAll();
      store.pruneAll();
      return store;
    } catch (err) {
      db?.close();
      throw new Error(`cannot open the chat history ${file}: ${describeOpenError(err)}`, { cause: err });
    }
  }

  /** Queue one event (written after this turn's output, or once a burst pauses). Events that are not history: null. */
  append(event: ChatEvent): StoredEvent | null {
    if (this.closed) return null;
    if (event.remote) return this.appendRemote(event, event.remote.storedId);
    const change = changeOf(event);
    if (this.pending.length === 0 && this.changes.length === 0) this.queuedSince = performance.now();
    if (change !== null) {
      // Not a row of its own: the message's row changes at the next write.
      this.changes.push(change);
      this.lastEvent = event;
      this.lastStored = undefined;
      this.scheduleFlush();
      return null;
    }
    const rows = rowsOf(event, this.nextId);
    const first = rows[0];
    if (first === undefined) return null;
    this.nextId += rows.length;
    for (const row of rows) this.pending.push(row);
    this.lastEvent = event;
    this.lastStored = first.stored;
    this.scheduleFlush();
    return first.stored;
  }

  /** The message or direct message under `id`, deleted ones too (HistoryStore.get); what is queued is written first. */
  get(id: number): Promise<FoundMessage | undefined> {
    return answered(() => {
      if (this.closed || !Number.isSafeInteger(id)) return undefined;
      this.safely(() => this.flush());
      return this.edits.find(id);
    });
  }

  /** Another node stored it (HistoryStore.append): only remembered for storedOf, under that node's id. */
  private appendRemote(event: ChatEvent, storedId: number | undefined): StoredEvent | null {
    const first = storedId === undefined ? undefined : rowsOf(event, storedId)[0]?.stored;
    this.lastEvent = event;
    this.lastStored = first;
    return first ?? null;
  }

  /**
   * The stored form of `event` (its first row) if it is the one appended last, else undefined. The
   * chat delivers each event to every listener before the next one, and the server subscribes this
   * store before any door, so a door hearing an event can give it the id it has in the history.
   */
  storedOf(event: ChatEvent): StoredEvent | undefined {
    return event === this.lastEvent ? this.lastStored : undefined;
  }

  /** Rows and changes queued, not yet written (reads write them first). */
  get queued(): number {
    return this.pending.length + this.changes.length;
  }

  /** Rows written to the database but not yet in the full-text index (search() indexes them first). */
  get ftsBacklog(): number {
    return this.writtenUpTo - this.ftsUpTo;
  }

  /** The most recent `limit` events of a room (announcements included) or conversation, oldest first. */
  recent(target: HistoryTarget, limit: number): Promise<StoredEvent[]> {
    return answered(() => this.read(target, NEWEST, limit));
  }

  /** The `limit` events with ids below `before`, oldest first. */
  page(target: HistoryTarget, before: number, limit: number): Promise<StoredEvent[]> {
    if (typeof before !== 'number' || Number.isNaN(before)) return Promise.reject(new RangeError('before must be an event id'));
    return answered(() => this.read(target, Math.min(before, NEWEST), limit));
  }

  /** Messages, direct messages and announcements matching every word of `query` within `scope`, newest first. */
  search(query: string, scope: SearchScope, limit: number, before?: number): Promise<StoredEvent[]> {
    return answered(() => this.searchNow(query, scope, limit, before));
  }

  /** The conversations of `name` (any case), newest first, with the other side's name as last seen. */
  conversations(name: string, limit: number, since = 0): Promise<ConversationSummary[]> {
    return answered(() => {
      if (this.closed || !(limit > 0)) return [];
      this.safely(() => this.flush());
      return this.reads.peers(nameKeyOf(name), Math.max(this.since(), since), Math.floor(limit)).map((r) => ({ with: r.other, lastId: r.last_id, lastAt: r.last_at }));
    });
  }

  private searchNow(query: string, scope: SearchScope, limit: number, before: number | undefined): StoredEvent[] {
    if (before !== undefined && (typeof before !== 'number' || Number.isNaN(before))) throw new RangeError('before must be an event id');
    if (this.closed || !(limit > 0)) return [];
    const plan = planSearch(query);
    if (plan === null) return [];
    this.safely(() => this.flush());
    if (plan.match !== '') this.safely(() => this.indexAll());
    // Announcements reach everyone, so every searcher may find them.
    const convs = new Set<string>([ANNOUNCE_CONV]);
    for (const room of scope.rooms) convs.add(roomKeyOf(room));
    if (scope.member !== undefined) {
      for (const conv of this.reads.peerConvs(nameKeyOf(scope.member))) convs.add(conv);
    }
    const found = runSearch(this.db, plan, {
      convs: [...convs],
      before: Math.min(before ?? NEWEST, NEWEST),
      since: this.since(),
      limit: Math.floor(limit),
    });
    // Direct messages from before the searcher's own cut (an account's creation) are not theirs.
    const cut = scope.memberSince ?? 0;
    return cut > 0 ? found.filter((e) => e.kind !== 'dm' || e.at >= cut) : found;
  }

  /** Every persisted room, oldest first. */
  rooms(): StoredRoom[] {
    return this.closed ? [] : this.roomTable.all();
  }

  /** Create or update a room's row, at once (rooms() sees it immediately). */
  saveRoom(room: StoredRoom): void {
    if (!this.closed) this.roomTable.save(room);
  }

  /** Apply retention now: drop events older than maxAgeMs, then all but the newest maxEvents of each conversation that grew. */
  prune(): void {
    if (this.closed) return;
    this.flush();
    this.appendsSincePrune = 0;
    this.retention.byAge(this.since(), this.ftsUpTo, this.nextId);
    const grown = this.grown;
    this.grown = new Set();
    this.retention.byCount(grown, this.maxEvents, this.ftsUpTo);
  }

  /** Write what is queued, index it, and release the database (and its lock). Further calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.safely(() => this.flush());
    this.safely(() => this.indexAll());
    this.closed = true;
    clearInterval(this.pruneTimer);
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = null;
    this.db.close();
  }

  /** The oldest time still kept. */
  private since(): number {
    return this.now() - this.maxAgeMs;
  }

  private read(target: HistoryTarget, before: number, limit: number): StoredEvent[] {
    if (this.closed || !(limit > 0)) return [];
    const n = Math.floor(limit);
    const since = this.since();
    let rows: Row[];
    if ('room' in target && typeof target.room === 'string') {
      // A failed write is reported, and what the database holds is still worth showing.
      this.safely(() => this.flush());
      rows = this.reads.roomPage(roomKeyOf(target.room), before, since, n, ANNOUNCE_CONV);
    } else if ('between' in target && Array.isArray(target.between) && target.between.length === 2 && target.between.every((x) => typeof x === 'string')) {
      const [a, b] = target.between;
      this.safely(() => this.flush());
      rows = this.reads.convPage(conversationKey(a, b), before, Math.max(since, target.since ?? 0), n);
    } else {
      throw new TypeError('a history target is { room } or { between: [name, name] }');
    }
    return rows.reverse().map(fromRow);
  }

  /** Retention over every conversation, at open (the grown set only knows this run's appends). */
  private pruneAll(): void {
    this.retention.byAge(this.since(), this.ftsUpTo, this.nextId);
    this.retention.byCount(null, this.maxEvents, this.ftsUpTo);
  }

  /**
   * Write the queue once this turn's output has left (afterOutput): the IRC door flushes its
   * sockets first, so no line of a busy room waits for the commit of its own history row.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    afterOutput(this.flushLater);
  }

  private readonly flushLater = (inputWaiting: boolean): void => {
    this.flushScheduled = false;
    if (this.closed) return;
    const queued = this.pending.length + this.changes.length;
    if (queued === 0) return;
    // Write-behind while a burst is being read (see WRITE_BEHIND_MS); reads write the queue first.
    if (inputWaiting && queued < WRITE_BEHIND_ROWS && performance.now() - this.queuedSince < WRITE_BEHIND_MS) {
      this.scheduleFlush();
      return;
    }
    this.safely(() => {
      this.flush();
      if (this.appendsSincePrune >= PRUNE_EVERY_APPENDS) this.prune();
      // A full batch is indexed now, in this turn after the write: cheapest per row (see FTS_INDEX_BATCH).
      if (this.writtenUpTo - this.ftsUpTo >= FTS_INDEX_BATCH) this.indexStep();
    });
  };

  /** Write the queue in one transaction. On failure the rows are dropped (the chat must go on). */
  private flush(): void {
    if (this.pending.length === 0 && this.changes.length === 0) return;
    const rows = this.pending;
    const changes = this.changes;
    this.pending = [];
    this.changes = [];
    this.appendsSincePrune += rows.length;
    for (const row of rows) this.grown.add(row.conv);
    if (changes.length === 0) this.writeBatch(rows);
    else this.writeWithChanges(rows, changes);
    if (rows.length === 0) return;
    this.writtenUpTo = rows[rows.length - 1]?.stored.id ?? this.writtenUpTo;
    // The smaller backlog waits until writing pauses: while messages keep coming, full batches
    // (cheapest per row) do the work, and a search catches up by itself.
    if (this.indexTimer) this.indexTimer.refresh();
    else this.indexTimer = this.scheduleIndex();
  }

  /** Rows, then the edits and deletes queued after them, in one transaction (an edit may name a row of this very batch). */
  private writeWithChanges(rows: readonly PendingRow[], changes: readonly PendingChange[]): void {
    this.db.transaction(() => {
      if (rows.length > 0) this.writeBatch(rows);
      this.edits.apply(changes, this.ftsUpTo);
    })();
  }

  private scheduleIndex(): NodeJS.Timeout {
    const timer = setTimeout(this.indexLater, FTS_INDEX_DELAY_MS);
    timer.unref();
    return timer;
  }

  private readonly indexLater = (): void => {
    this.indexTimer = null;
    if (this.closed) return;
    this.safely(() => this.indexStep());
  };

  /** Index up to {@link FTS_INDEX_CHUNK} ids; what still trails gets the background timer. */
  private indexStep(): void {
    this.indexUpTo(Math.min(this.writtenUpTo, this.ftsUpTo + FTS_INDEX_CHUNK));
    if (this.ftsUpTo < this.writtenUpTo) this.indexTimer ??= this.scheduleIndex();
  }

  /** Bring the FTS index up to every row written. */
  private indexAll(): void {
    this.indexUpTo(this.writtenUpTo);
  }

  private indexUpTo(to: number): void {
    if (to <= this.ftsUpTo) return;
    this.indexRange(this.ftsUpTo, to);
    this.ftsUpTo = to;
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
