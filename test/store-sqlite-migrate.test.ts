// Tests of the history file's schema: version 1 (one room) migrated to 3 in one transaction, newer versions refused.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE } from '../src/store/sqlite-options.js';
import { SqliteHistory } from '../src/store/sqlite.js';
import { cleanUp, fileValue, open, tempDir } from './helpers/store.js';

afterEach(cleanUp);

/** The schema netroom wrote before rooms (src/store/sqlite.ts at schema 1), written here by hand. */
const V1_SCHEMA = `
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

const T = Date.now() - 60_000;

/** A version 1 file as a one-room netroom left it; the newest row (id 7) was pruned, so the sequence is past the last id. */
function writeV1(dir: string, extraSql = ''): void {
  const db = new Database(join(dir, HISTORY_FILE));
  try {
    db.exec(V1_SCHEMA);
    const insert = db.prepare('INSERT INTO events (id, at, kind, name, text, path, size, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(1, T, 'join', 'alice', null, null, null, null);
    insert.run(2, T + 1, 'message', 'alice', 'hello from the old days 你好呀', null, null, null);
    insert.run(3, T + 2, 'announce', null, 'maintenance at noon', null, null, null);
    insert.run(4, T + 3, 'file', 'alice', null, 'docs/a.pdf', 2048, null);
    insert.run(5, T + 4, 'file', null, null, 'b.bin', 5, null);
    insert.run(6, T + 5, 'leave', 'alice', null, null, null, 'timeout');
    insert.run(7, T + 6, 'message', 'bob', 'pruned', null, null, null);
    db.prepare('DELETE FROM events WHERE id = 7').run();
    db.exec(extraSql);
    db.pragma('user_version = 1');
  } finally {
    db.close();
  }
}

describe('history schema migration', () => {
  it('opens a version 1 file: its rows are #lobby rows, leave reasons kept, announcements everywhere, searchable, ids continue', async () => {
    const dir = await tempDir();
    writeV1(dir);
    const store = open(dir);
    expect(await store.recent({ room: '#LOBBY' }, 50)).toEqual([
      { id: 1, at: T, kind: 'join', room: '#lobby', name: 'alice' },
      { id: 2, at: T + 1, kind: 'message', room: '#lobby', name: 'alice', text: 'hello from the old days 你好呀' },
      { id: 3, at: T + 2, kind: 'announce', text: 'maintenance at noon' },
      { id: 4, at: T + 3, kind: 'file', room: '#lobby', name: 'alice', path: 'docs/a.pdf', size: 2048 },
      { id: 5, at: T + 4, kind: 'file', room: '#lobby', path: 'b.bin', size: 5 },
      { id: 6, at: T + 5, kind: 'leave', room: '#lobby', name: 'alice', reason: 'timeout' },
    ]);
    expect((await store.recent({ room: '#dev' }, 50)).map((e) => e.kind)).toEqual(['announce']);
    expect((await store.search('old days', { rooms: ['#lobby'] }, 5)).map((e) => e.id)).toEqual([2]);
    expect((await store.search('你好', { rooms: ['#lobby'] }, 5)).map((e) => e.id)).toEqual([2]);
    expect(await store.search('old', { rooms: ['#dev'] }, 5)).toEqual([]);
    expect(store.append({ id: 1, at: Date.now(), kind: 'announce', text: 'new', audience: [] })?.id).toBe(8);
    store.close();
    expect(fileValue(dir, 'PRAGMA user_version')).toBe(3);
    expect(fileValue(dir, "SELECT count(*) FROM sqlite_master WHERE name = 'events_at'")).toBe(0);
    expect(fileValue(dir, "SELECT count(*) FROM pragma_table_info('events') WHERE name IN ('account', 'edited', 'deleted')")).toBe(3);
    // A second open finds version 3 and changes nothing.
    expect(await open(dir).recent({ room: '#lobby' }, 50)).toHaveLength(7);
  });

  it('treats a file left at version 0 with an events table as version 1', async () => {
    const dir = await tempDir();
    writeV1(dir);
    const db = new Database(join(dir, HISTORY_FILE));
    db.pragma('user_version = 0');
    db.close();
    expect(await open(dir).recent({ room: '#lobby' }, 50)).toHaveLength(6);
  });

  it('migrates all or nothing: a failure leaves the version 1 file as it was', async () => {
    const dir = await tempDir();
    // A table in the way of version 2's `rooms` makes the migration fail half-way.
    writeV1(dir, 'CREATE TABLE rooms (x);');
    expect(() => SqliteHistory.open(dir)).toThrow(/cannot open the chat history .*rooms already exists/);
    expect(fileValue(dir, 'PRAGMA user_version')).toBe(1);
    expect(fileValue(dir, "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'conv'")).toBe(0);
    expect(fileValue(dir, "SELECT count(*) FROM sqlite_master WHERE name = 'events_at'")).toBe(1);
    expect(fileValue(dir, 'SELECT count(*) FROM events')).toBe(6);
  });

  it('refuses a file written by a newer netroom, and leaves it alone', async () => {
    const dir = await tempDir();
    const db = new Database(join(dir, HISTORY_FILE));
    db.pragma('user_version = 4');
    db.close();
    expect(() => SqliteHistory.open(dir)).toThrow(/newer netroom \(schema 4, this one knows 3\)/);
    expect(fileValue(dir, 'PRAGMA user_version')).toBe(4);
  });
});
