// Tests of the SQLite history store (src/store/sqlite.ts) on real files in temp folders; time is injected.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Room, type RoomEvent } from '../src/core/room.js';
import { HISTORY_FILE, PRUNE_EVERY_APPENDS, SqliteHistory, type SqliteHistoryOptions } from '../src/store/sqlite.js';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
const stores: SqliteHistory[] = [];

afterEach(async () => {
  stores.splice(0).forEach((s) => s.close());
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-store-'));
  dirs.push(dir);
  return dir;
}

/** A clock the test moves by hand. */
function clock(start = 1_700_000_000_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

function open(dir: string, options: SqliteHistoryOptions = {}): SqliteHistory {
  const store = SqliteHistory.open(dir, options);
  stores.push(store);
  return store;
}

/** A room whose events all go to `store`, as the server wires it (store subscribed first). */
function roomFor(store: SqliteHistory, now: () => number): Room {
  const room = new Room({ flood: null, now });
  room.subscribe((e) => store.append(e));
  return room;
}

/**
 * Rows in the file itself, bypassing the store's age filter (proves a prune really deleted).
 * Only once the store is closed: it holds the file in EXCLUSIVE locking mode.
 */
function rowsInFile(dir: string): number {
  const db = new Database(join(dir, HISTORY_FILE), { readonly: true, timeout: 0 });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Wait one event-loop turn: the store writes its queue in a setImmediate. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SqliteHistory: what is kept', () => {
  it('keeps every kind of event with its fields, oldest first, ids from the store', async () => {
    const dir = await tempDir();
    const c = clock();
    const store = open(dir, { now: c.fn });
    const room = roomFor(store, c.fn);
    const alice = room.enter('alice', 'ws');
    c.now += 1;
    room.say(alice, 'hello, 世界 👋');
    room.announce('maintenance at noon');
    room.fileShared('docs/a.pdf', 2048, 'alice');
    room.fileShared('b.bin', 5);
    room.leave(alice, 'timeout');
    const events = store.recent(50);
    expect(events).toEqual([
      { id: 1, at: c.now - 1, kind: 'join', name: 'alice' },
      { id: 2, at: c.now, kind: 'message', name: 'alice', text: 'hello, 世界 👋' },
      { id: 3, at: c.now, kind: 'announce', text: 'maintenance at noon' },
      { id: 4, at: c.now, kind: 'file', name: 'alice', path: 'docs/a.pdf', size: 2048 },
      { id: 5, at: c.now, kind: 'file', path: 'b.bin', size: 5 },
      { id: 6, at: c.now, kind: 'leave', name: 'alice', reason: 'timeout' },
    ]);
    // A file notice without an uploader has no name at all (not null, not undefined-valued).
    expect(Object.keys(events[4] ?? {})).not.toContain('name');
  });

  it('does not store closing events', async () => {
    const store = open(await tempDir());
    const room = roomFor(store, Date.now);
    const seen: (ReturnType<SqliteHistory['append']> | undefined)[] = [];
    room.subscribe((e) => seen.push(e.kind === 'closing' ? store.append(e) : undefined));
    room.enter('bob', 'udp');
    room.close();
    expect(seen.at(-1)).toBeNull();
    expect(store.recent(10).map((e) => e.kind)).toEqual(['join']);
  });

  it('returns the stored form from append and from storedOf, with the id recent() will show', async () => {
    const store = open(await tempDir());
    const room = new Room({ flood: null });
    const pairs: [RoomEvent, ReturnType<SqliteHistory['append']>][] = [];
    room.subscribe((e) => pairs.push([e, store.append(e)]));
    const bob = room.enter('bob', 'ws');
    room.say(bob, 'hi');
    const [, said] = pairs[1] ?? [];
    expect(said).toMatchObject({ id: 2, kind: 'message', text: 'hi' });
    expect(store.storedOf(pairs[1]?.[0] as RoomEvent)).toBe(said);
    // Only the last appended event is known: the room delivers one event to all listeners at a time.
    expect(store.storedOf(pairs[0]?.[0] as RoomEvent)).toBeUndefined();
    expect(store.recent(1)).toEqual([said]);
  });

  it('sees appends of the current turn at once, before they are written', async () => {
    const dir = await tempDir();
    const store = open(dir);
    const room = roomFor(store, Date.now);
    room.announce('one');
    room.announce('two');
    expect(store.recent(5).map((e) => e.text)).toEqual(['one', 'two']);
    await nextTurn();
    room.announce('three');
    expect(store.recent(2).map((e) => e.text)).toEqual(['two', 'three']);
    store.close();
    expect(rowsInFile(dir)).toBe(3);
  });

  it('answers recent(0) and negative limits with nothing', async () => {
    const store = open(await tempDir());
    roomFor(store, Date.now).announce('x');
    expect(store.recent(0)).toEqual([]);
    expect(store.recent(-3)).toEqual([]);
    expect(store.recent(1.7)).toHaveLength(1);
  });
});

describe('SqliteHistory: restarts', () => {
  it('survives a close and reopen with the same events and ids', async () => {
    const dir = await tempDir();
    const first = open(dir);
    const room = roomFor(first, Date.now);
    const carol = room.enter('carol', 'irc');
    room.say(carol, 'before the restart');
    const before = first.recent(10);
    first.close();
    const second = open(dir);
    expect(second.recent(10)).toEqual(before);
  });

  it('keeps increasing ids across reopen, even after retention removed the newest rows', async () => {
    const dir = await tempDir();
    const c = clock();
    const first = open(dir, { now: c.fn });
    const room = roomFor(first, c.fn);
    for (let i = 0; i < 5; i++) room.announce(`old ${i}`);
    first.close();
    // Reopen 40 days later: every row is past the 30-day limit and pruned at open.
    c.now += 40 * DAY;
    const second = open(dir, { now: c.fn });
    const stored = second.append({ id: 1, at: c.now, kind: 'announce', text: 'new' });
    expect(stored?.id).toBe(6);
    second.close();
    expect(rowsInFile(dir)).toBe(1); // the five old ones went at open
    const third = open(dir, { now: c.fn });
    expect(third.recent(10)).toEqual([{ id: 6, at: c.now, kind: 'announce', text: 'new' }]);
  });

  it('ignores appends after close, and close twice is harmless', async () => {
    const store = open(await tempDir());
    store.close();
    store.close();
    expect(store.append({ id: 1, at: 1, kind: 'announce', text: 'late' })).toBeNull();
    expect(store.recent(5)).toEqual([]);
  });
});

describe('SqliteHistory: retention', () => {
  it('keeps only the newest maxEvents on prune()', async () => {
    const dir = await tempDir();
    const store = open(dir, { maxEvents: 3 });
    const room = roomFor(store, Date.now);
    for (let i = 1; i <= 5; i++) room.announce(`n${i}`);
    store.prune();
    expect(store.recent(10).map((e) => e.text)).toEqual(['n3', 'n4', 'n5']);
    store.close();
    expect(rowsInFile(dir)).toBe(3);
  });

  it(`prunes by count by itself after ${PRUNE_EVERY_APPENDS} appends`, async () => {
    const dir = await tempDir();
    const store = open(dir, { maxEvents: 10 });
    const room = roomFor(store, Date.now);
    for (let i = 0; i < PRUNE_EVERY_APPENDS; i++) room.announce(`m${i}`);
    await nextTurn();
    expect(store.recent(1)[0]?.text).toBe(`m${PRUNE_EVERY_APPENDS - 1}`);
    store.close();
    expect(rowsInFile(dir)).toBe(10);
  });

  it('drops events older than maxAgeMs: hidden from recent() at once, deleted by prune()', async () => {
    const dir = await tempDir();
    const c = clock();
    const options = { maxAgeMs: 10 * DAY, now: c.fn };
    const store = open(dir, options);
    const room = roomFor(store, c.fn);
    room.announce('day 0');
    c.now += 5 * DAY;
    room.announce('day 5');
    c.now += 6 * DAY; // day 11: "day 0" is 11 days old
    expect(store.recent(10).map((e) => e.text)).toEqual(['day 5']);
    store.close();
    expect(rowsInFile(dir)).toBe(2); // hidden, not yet deleted
    const again = open(dir, options);
    again.prune();
    again.close();
    expect(rowsInFile(dir)).toBe(1);
  });

  it('applies retention when it opens', async () => {
    const dir = await tempDir();
    const first = open(dir);
    for (let i = 0; i < 5; i++) roomFor(first, Date.now).announce(`x${i}`);
    first.close();
    open(dir, { maxEvents: 2 }).close();
    expect(rowsInFile(dir)).toBe(2);
  });

  it('refuses nonsense limits', async () => {
    const dir = await tempDir();
    expect(() => SqliteHistory.open(dir, { maxEvents: 0 })).toThrow(RangeError);
    expect(() => SqliteHistory.open(dir, { maxAgeMs: -1 })).toThrow(RangeError);
  });
});

describe('SqliteHistory: clear errors at open', () => {
  it('says when the data path is a file, not a folder', async () => {
    const dir = await tempDir();
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    expect(() => SqliteHistory.open(file)).toThrow(/cannot open the chat history .*not a folder/);
    expect(() => SqliteHistory.open(join(file, 'deeper'))).toThrow(/cannot open the chat history .*not a folder/);
  });

  it('says when the file is not a database', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, HISTORY_FILE), Buffer.alloc(8192, 0x2a));
    expect(() => SqliteHistory.open(dir)).toThrow(/not a SQLite database or is corrupt/);
  });

  it('refuses a second store on the same folder while the first is open, and allows it after', async () => {
    const dir = await tempDir();
    const first = open(dir);
    expect(() => SqliteHistory.open(dir)).toThrow(/in use by another process/);
    first.close();
    expect(open(dir).recent(1)).toEqual([]);
  });

  // chmod does not stop root; CI as a normal user runs it.
  it.skipIf(process.getuid?.() === 0)('says when the data folder cannot be written', async () => {
    const dir = await tempDir();
    await chmod(dir, 0o500);
    try {
      expect(() => SqliteHistory.open(join(dir, 'data'))).toThrow(/permission denied/);
    } finally {
      await chmod(dir, 0o700);
    }
  });

  it('creates missing folders', async () => {
    const dir = join(await tempDir(), 'a', 'b');
    const store = open(dir);
    roomFor(store, Date.now).announce('deep');
    expect(store.recent(1)[0]?.text).toBe('deep');
  });
});
