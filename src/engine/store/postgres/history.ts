// The PostgreSQL history store (`--database`): the SQLite store's rows and rules, shared by every node writing one database.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { ChatEvent, FoundMessage } from '../../../core/chat/types.js';
import { NetroomError } from '../../../core/errors.js';
import type { ConversationSummary, HistoryStore, HistoryTarget, SearchScope, StoredEvent, StoredRoom } from '../../../store/history.js';
import { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_EVENTS, DEFAULT_PRUNE_INTERVAL_MS, PRUNE_EVERY_APPENDS, positive, type Limits } from '../../../store/sqlite-options.js';
import { conversationKey, nameKeyOf, roomKeyOf, rowsOf, type PendingRow } from '../../../store/sqlite-rows.js';
import { HeardRows } from './history-heard.js';
import { changeOf } from '../../../store/sqlite-edits.js';
import { describeTarget, isFinalError, openPool, parseDatabaseUrl, reasonOf, unavailable, type PgTarget } from './connect.js';
import { IdClock, RENEW_MS, leaseSlot, releaseSlot, renewSlot } from './history-ids.js';
import { pruneByAge, pruneByCount } from './history-retention.js';
import { COLUMNS, fromRow, roomOf, type Row, type RoomRow, type Statement } from './history-rows.js';
import { ANNOUNCE_CONV, HISTORY_STEPS } from './history-schema.js';
import { planSearch, searchStatement } from './history-search.js';
import { HistoryWriter } from './history-writer.js';
import { migrate } from './migrate.js';

/** Reads past the end: the cursor of recent(). */
const NEWEST = Number.MAX_SAFE_INTEGER;
/** The most rows one read returns, whatever limit it asks (a page is tens of rows). */
const MAX_LIMIT = 100_000;

/** Options of {@link PgHistory.open}; every one has a default. */
export interface PgHistoryOptions {
  /** Each room and conversation keeps at most this many events (newest win). Default 10,000. */
  maxEvents?: number;
  /** Drop events older than this, in ms. Default 30 days. */
  maxAgeMs?: number;
  /** Clock for the age cut-off, injectable for tests (ids always use the real clock). Default Date.now. */
  now?: () => number;
  /** Period of the background prune. Default one hour. */
  pruneIntervalMs?: number;
  /** Where a lasting outage or a refused write is reported; the chat goes on. Default: stderr. */
  onError?: (err: unknown) => void;
  /** How long close() keeps retrying queued writes while PostgreSQL is away, ms. Default 10 s. */
  closeTimeoutMs?: number;
}

/** A message's row as get() reads it. */
interface FoundRow {
  id: string;
  kind: 'message' | 'dm';
  room: string | null;
  name: string | null;
  to_name: string | null;
  account: string | null;
  deleted: boolean | null;
}

/** A read's count: positive, whole, bounded (LIMIT takes a bigint). */
function countOf(limit: number): number {
  return Math.min(MAX_LIMIT, Math.floor(limit));
}

/** A `before` cursor as a bigint parameter: `id < 1.5` keeps id 1, as `id < 2` does. */
function cursorOf(before: number): number {
  return Math.max(-NEWEST, Math.min(NEWEST, Math.ceil(before)));
}

function checkCursor(before: unknown): void {
  if (typeof before !== 'number' || Number.isNaN(before)) throw new RangeError('before must be an event id');
}

/**
 * Chat events in PostgreSQL, one row per room (or conversation) an event touched, as the SQLite
 * store keeps them, so both answer alike. Several nodes may write one database:
 * - ids are made in memory (append returns the id at once) and increase with time across nodes:
 *   the node's clock in ms, then a node slot leased in the database, then a counter (history-ids.ts);
 * - writes queue and land in order, one transaction per batch (history-writer.ts); every read
 *   waits first for this node's queued writes, so it sees what this node appended;
 * - events another node stored (`event.remote`) are not written again;
 * - rooms are read at open and kept in memory (rooms() is synchronous); saves are written through.
 * While PostgreSQL is away, appends keep queueing (retried with backoff) and reads reject with
 * STORE_UNAVAILABLE; both recover by themselves.
 */
export class PgHistory implements HistoryStore {
  private readonly writer: HistoryWriter;
  private readonly roomMap = new Map<string, StoredRoom>();
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly renewTimer: NodeJS.Timeout;
  private readonly holder: string;
  private ids: IdClock;
  private lastId = 0;
  /** Conversations that got rows since the last count prune: the only ones it needs to look at. */
  private grown = new Set<string>();
  private appendsSincePrune = 0;
  private closing: Promise<void> | null = null;
  /** The last event appended and its stored form; see {@link storedOf}. */
  private lastEvent: ChatEvent | undefined;
  /** Other nodes' events delivered here whose rows may not be committed yet (see HeardRows). */
  private readonly heard = new HeardRows();
  private lastStored: StoredEvent | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly target: PgTarget,
    private slot: number,
    holder: string,
    floorId: number,
    rooms: readonly StoredRoom[],
    private readonly limits: Limits,
    private readonly options: PgHistoryOptions,
  ) {
    this.holder = holder;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((err) => console.error('netroom: history store:', err));
    this.ids = new IdClock(slot, floorId);
    for (const room of rooms) this.roomMap.set(roomKeyOf(room.name), room);
    this.writer = new HistoryWriter(pool, {
      isUnavailable: (err) => !isFinalError(err),
      unavailable: (err) => unavailable(err, target),
      onError: this.onError,
      written: () => {
        if (this.appendsSincePrune >= PRUNE_EVERY_APPENDS) this.prune();
      },
    });
    this.pruneTimer = setInterval(() => this.prune(), limits.pruneIntervalMs);
    this.pruneTimer.unref();
    this.renewTimer = setInterval(() => void this.renewLease(), RENEW_MS);
    this.renewTimer.unref();
  }

  /**
   * Connect to `url`, migrate the history tables (component 'history'), lease a node slot, load the
   * rooms and apply retention once. Rejects with STORE_UNAVAILABLE when PostgreSQL cannot be
   * reached, or an Error with a one-line reason (a newer schema, no free node slot).
   */
  static async open(url: string, options: PgHistoryOptions = {}): Promise<PgHistory> {
    // Bad limits are a programming error (config validates flags): a RangeError, before connecting.
    const limits: Limits = {
      maxEvents: Math.floor(positive(options.maxEvents ?? DEFAULT_MAX_EVENTS, 'maxEvents')),
      maxAgeMs: positive(options.maxAgeMs ?? DEFAULT_MAX_AGE_MS, 'maxAgeMs'),
      pruneIntervalMs: positive(options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS, 'pruneIntervalMs'),
    };
    const target = parseDatabaseUrl(url);
    const pool = await openPool(url);
    try {
      await migrate(pool, 'history', HISTORY_STEPS);
      const holder = `${hostname()} pid ${process.pid} ${randomUUID()}`;
      const slot = await leaseSlot(pool, holder);
      const max = await pool.query<{ id: string | null }>('SELECT max(id) AS id FROM history_events');
      const rooms = await pool.query<RoomRow>('SELECT name, topic, topic_by, topic_at, created_at, modes, founder FROM history_rooms ORDER BY created_at, key');
      const store = new PgHistory(pool, target, slot, holder, Number(max.rows[0]?.id ?? 0), rooms.rows.map(roomOf), limits, options);
      store.pruneAll();
      await store.writer.settled();
      return store;
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof NetroomError) throw err;
      if (!isFinalError(err) && !(err instanceof Error && !('code' in err))) throw unavailable(err, target);
      throw new Error(`cannot open the chat history at ${describeTarget(target)}: ${reasonOf(err)}`, { cause: err });
    }
  }

  /**
   * Queue one event (written within this event-loop turn or the next batch) and return its stored
   * form, id included. An event from another node is not written: its stored form (under the id
   * that node gave it) is remembered for storedOf and returned; without an id, null.
   */
  append(event: ChatEvent): StoredEvent | null {
    if (this.closing !== null) return null;
    const change = changeOf(event);
    if (change !== null) {
      // Not a row of its own: the message's row changes (written by the node that decided it). A
      // message heard from another node and not committed yet shows the change here meanwhile.
      if (event.remote === undefined) this.writer.addChange(change);
      this.heard.change(change);
      this.lastEvent = event;
      this.lastStored = undefined;
      return null;
    }
    const remote = event.remote;
    if (remote !== undefined) {
      const rows = remote.storedId === undefined ? [] : rowsOf(event, remote.storedId);
      const stored = rows[0]?.stored;
      // Heard live before the other node's write may have committed: kept until a read sees it in PostgreSQL.
      if (rows.length === 1 && rows[0] !== undefined) this.heard.keep(rows[0], this.now());
      this.lastEvent = event;
      this.lastStored = stored;
      return stored ?? null;
    }
    const id = this.ids.next();
    let rows = rowsOf(event, id);
    const first = rows[0];
    if (first === undefined) return null;
    // rowsOf numbers the rows of a quit or rename id, id + 1...; here each needs an id of its own (the low bits are the slot).
    if (rows.length > 1) rows = rows.map((row, i): PendingRow => (i === 0 ? row : { ...row, stored: { ...row.stored, id: this.ids.next() } }));
    this.lastId = rows[rows.length - 1]?.stored.id ?? id;
    for (const row of rows) this.grown.add(row.conv);
    this.appendsSincePrune += rows.length;
    this.writer.addRows(rows);
    this.lastEvent = event;
    this.lastStored = first.stored;
    return first.stored;
  }

  /**
   * The message or direct message under `id`, deleted ones too (HistoryStore.get), once this node's
   * queued writes landed; another node's message heard here but not committed yet is found too.
   */
  async get(id: number): Promise<FoundMessage | undefined> {
    if (this.closing !== null || !Number.isSafeInteger(id)) return undefined;
    const rows = await this.query<FoundRow>({
      text: "SELECT id, kind, room, name, to_name, account, deleted FROM history_events WHERE id = $1 AND kind IN ('message', 'dm')",
      values: [id],
    });
    const row = rows[0];
    if (row !== undefined) {
      return {
        id: Number(row.id),
        kind: row.kind,
        ...(row.room === null ? {} : { room: row.room }),
        name: row.name ?? '',
        ...(row.to_name === null ? {} : { to: row.to_name }),
        ...(row.account === null ? {} : { account: row.account }),
        deleted: row.deleted === true,
      };
    }
    const heard = this.heard.find(id);
    const e = heard?.stored;
    if (e === undefined || (e.kind !== 'message' && e.kind !== 'dm')) return undefined;
    return {
      id: e.id,
      kind: e.kind,
      ...(e.room === undefined ? {} : { room: e.room }),
      name: e.name ?? '',
      ...(e.to === undefined ? {} : { to: e.to }),
      ...(heard?.account === undefined ? {} : { account: heard.account }),
      deleted: e.deleted === true,
    };
  }

  /** The stored form of `event` (its first row) if it is the one appended last, else undefined. */
  storedOf(event: ChatEvent): StoredEvent | undefined {
    return event === this.lastEvent ? this.lastStored : undefined;
  }

  /** Rows and room changes queued and not yet written (while PostgreSQL is away, they wait here). */
  get backlog(): number {
    return this.writer.backlog;
  }

  async recent(target: HistoryTarget, limit: number): Promise<StoredEvent[]> {
    return this.read(target, NEWEST, limit);
  }

  async page(target: HistoryTarget, before: number, limit: number): Promise<StoredEvent[]> {
    checkCursor(before);
    return this.read(target, cursorOf(before), limit);
  }

  /** Messages, direct messages and announcements matching every word of `query` within `scope`, newest first. */
  async search(query: string, scope: SearchScope, limit: number, before?: number): Promise<StoredEvent[]> {
    if (before !== undefined) checkCursor(before);
    if (this.closing !== null || !(limit > 0)) return [];
    const plan = planSearch(query);
    if (plan === null) return [];
    const statement = searchStatement(plan, {
      // Announcements reach everyone, so every searcher may find them.
      convs: [ANNOUNCE_CONV, ...scope.rooms.map((room) => roomKeyOf(room))],
      member: scope.member === undefined ? null : nameKeyOf(scope.member),
      memberSince: Math.floor(scope.memberSince ?? 0),
      before: cursorOf(before ?? NEWEST),
      since: this.since(),
      limit: countOf(limit),
    });
    return (await this.query<Row>(statement)).map(fromRow);
  }

  /** The direct-message conversations of `name` (any case), newest first, with the other side's name as last seen. */
  async conversations(name: string, limit: number, since = 0): Promise<ConversationSummary[]> {
    if (this.closing !== null || !(limit > 0)) return [];
    const rows = await this.query<{ other: string; last_id: string; last_at: string }>({
      text: 'SELECT other, last_id, last_at FROM history_peers WHERE member = $1 AND last_at >= $2 ORDER BY last_id DESC LIMIT $3',
      values: [nameKeyOf(name), Math.max(this.since(), Math.floor(since)), countOf(limit)],
    });
    return rows.map((r) => ({ with: r.other, lastId: Number(r.last_id), lastAt: Number(r.last_at) }));
  }

  /** Every room, oldest first: as loaded at open, with this node's saves since. */
  rooms(): StoredRoom[] {
    if (this.closing !== null) return [];
    return [...this.roomMap.entries()].sort(([ka, a], [kb, b]) => a.createdAt - b.createdAt || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, room]) => room);
  }

  /** Create or update a room: rooms() sees it at once, PostgreSQL with the next batch. */
  saveRoom(room: StoredRoom): void {
    if (this.closing !== null) return;
    if (typeof room?.name !== 'string' || !room.name.startsWith('#')) throw new TypeError('a room name starts with #');
    const kept: StoredRoom = { ...room, modes: { ...room.modes }, founder: room.founder ?? null };
    this.roomMap.set(roomKeyOf(room.name), kept);
    this.writer.addRoom(kept);
  }

  /** Apply retention after what is queued: age everywhere, count in the conversations that grew. */
  prune(): void {
    if (this.closing !== null) return;
    const grown = [...this.grown];
    this.grown = new Set();
    this.appendsSincePrune = 0;
    const cutoff = this.since();
    const max = this.limits.maxEvents;
    this.writer.addPrune(async (client) => {
      await pruneByAge(client, cutoff);
      await pruneByCount(client, grown, max);
    });
  }

  /** Round trip of `SELECT 1` through this store's pool, ms (for /healthz and /metrics); STORE_UNAVAILABLE when unreachable. */
  async ping(): Promise<number> {
    const began = performance.now();
    await this.pool.query('SELECT 1').catch((err: unknown) => {
      throw unavailable(err, this.target);
    });
    return performance.now() - began;
  }

  /** Start closing (see {@link closeAsync}); further calls do nothing. */
  close(): void {
    void this.closeAsync();
  }

  /**
   * Write what is queued (retrying for closeTimeoutMs while PostgreSQL is away; what is left then
   * is reported), give the node slot back and release the pool. Resolves when done; never rejects;
   * further calls return the same promise.
   */
  closeAsync(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.pruneTimer);
    clearInterval(this.renewTimer);
    await this.writer.drain(this.options.closeTimeoutMs ?? 10_000);
    await releaseSlot(this.pool, this.slot, this.holder).catch(() => undefined);
    await this.pool.end().catch((err: unknown) => this.onError(err));
  }

  /** The oldest time still kept. */
  private since(): number {
    return Math.floor(this.now() - this.limits.maxAgeMs);
  }

  /** Retention over every conversation, at open (the grown set only knows this run's appends). */
  private pruneAll(): void {
    const cutoff = this.since();
    const max = this.limits.maxEvents;
    this.writer.addPrune(async (client) => {
      await pruneByAge(client, cutoff);
      await pruneByCount(client, null, max);
    });
  }

  private async read(target: HistoryTarget, before: number, limit: number): Promise<StoredEvent[]> {
    let statement: Statement;
    const n = countOf(limit);
    const since = this.since();
    if ('room' in target && typeof target.room === 'string') {
      // A room's page is its own rows and the announcements, each a bounded walk of (conv, id) newest first, then merged.
      const one = `SELECT ${COLUMNS} FROM history_events WHERE conv = $%c AND id < $2 AND at >= $3 ORDER BY id DESC LIMIT $4`;
      statement = {
        text: `SELECT * FROM ((${one.replace('%c', '1')}) UNION ALL (${one.replace('%c', '5')})) t ORDER BY id DESC LIMIT $4`,
        values: [roomKeyOf(target.room), before, since, n, ANNOUNCE_CONV],
      };
    } else if ('between' in target && Array.isArray(target.between) && target.between.length === 2 && target.between.every((x) => typeof x === 'string')) {
      const [a, b] = target.between;
      statement = {
        text: `SELECT ${COLUMNS} FROM history_events WHERE conv = $1 AND id < $2 AND at >= $3 ORDER BY id DESC LIMIT $4`,
        values: [conversationKey(a, b), before, Math.max(since, Math.floor(target.since ?? 0)), n],
      };
    } else {
      throw new TypeError('a history target is { room } or { between: [name, name] }');
    }
    if (this.closing !== null || !(limit > 0)) return [];
    const found = (await this.query<Row>(statement)).reverse().map(fromRow);
    const convs = 'room' in target ? [roomKeyOf(target.room), ANNOUNCE_CONV] : [conversationKey(target.between[0], target.between[1])];
    const floor = 'room' in target ? since : Math.max(since, Math.floor(target.since ?? 0));
    return this.heard.merge(found, convs, before, floor, n);
  }

  /** Run a read once this node's queued writes have landed; PostgreSQL away: STORE_UNAVAILABLE. */
  private async query<R extends pg.QueryResultRow>(statement: Statement): Promise<R[]> {
    try {
      await this.writer.settled();
      return (await this.pool.query<R>(statement.text, statement.values)).rows;
    } catch (err) {
      throw isFinalError(err) ? err : unavailable(err, this.target);
    }
  }

  /** Keep the node slot; if it lapsed (PostgreSQL away longer than the lease) and another node took it, lease another. */
  private async renewLease(): Promise<void> {
    try {
      if (await renewSlot(this.pool, this.slot, this.holder)) return;
      this.slot = await leaseSlot(this.pool, this.holder);
      this.ids = new IdClock(this.slot, this.lastId);
    } catch (err) {
      // PostgreSQL away: the writer reports the outage; the next renewal tries again.
      if (isFinalError(err)) this.onError(err);
    }
  }
}
