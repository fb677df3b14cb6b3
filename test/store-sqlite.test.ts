// Tests of the SQLite history store (src/store/sqlite.ts): rows per room and conversation, paging, restarts, open errors.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryTarget, StoredEvent } from '../src/store/history.js';
import { HISTORY_FILE } from '../src/store/sqlite-options.js';
import { SqliteHistory } from '../src/store/sqlite.js';
import { announce, cleanUp, clock, dm, ev, fileValue, written, open, say, tempDir } from './helpers/store.js';

afterEach(cleanUp);

const lobby: HistoryTarget = { room: '#lobby' };

describe('SqliteHistory: what is kept, where', () => {
  it('keeps every kind of event with its fields, one row per room a quit or rename touched', async () => {
    const c = clock();
    const store = open(await tempDir(), { now: c.fn });
    const t = c.now;
    const appended = [
      ev({ kind: 'join', room: '#dev', name: 'alice', audience: [] }, t),
      ev({ kind: 'message', room: '#dev', name: 'alice', text: 'hello, 世界 👋', audience: [] }, t),
      ev({ kind: 'message', room: '#dev', name: 'alice', text: 'psst', notice: true, audience: [] }, t),
      ev({ kind: 'topic', room: '#dev', name: 'alice', topic: 'builds', audience: [] }, t),
      ev({ kind: 'file', room: '#dev', name: 'alice', path: 'docs/a.pdf', size: 2048, audience: [] }, t),
      ev({ kind: 'file', room: '#dev', path: 'b.bin', size: 5, audience: [] }, t),
      ev({ kind: 'announce', text: 'maintenance at noon', audience: [] }, t),
      ev({ kind: 'dm', name: 'alice', to: 'bob', text: 'just us', audience: [] }, t),
      ev({ kind: 'part', room: '#dev', name: 'alice', text: 'lunch', audience: [] }, t),
      ev({ kind: 'rename', name: 'bob', to: 'robert', rooms: ['#dev', '#ops'], audience: [] }, t),
      ev({ kind: 'quit', name: 'robert', reason: 'timeout', rooms: ['#dev', '#ops'], audience: [] }, t),
    ].map((e) => store.append(e));
    expect(appended.map((s) => s?.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
    expect(await store.recent({ room: '#dev' }, 50)).toEqual([
      { id: 1, at: t, kind: 'join', room: '#dev', name: 'alice' },
      { id: 2, at: t, kind: 'message', room: '#dev', name: 'alice', text: 'hello, 世界 👋' },
      { id: 3, at: t, kind: 'message', room: '#dev', name: 'alice', text: 'psst', asNotice: true },
      { id: 4, at: t, kind: 'topic', room: '#dev', name: 'alice', text: 'builds' },
      { id: 5, at: t, kind: 'file', room: '#dev', name: 'alice', path: 'docs/a.pdf', size: 2048 },
      { id: 6, at: t, kind: 'file', room: '#dev', path: 'b.bin', size: 5 },
      { id: 7, at: t, kind: 'announce', text: 'maintenance at noon' },
      { id: 9, at: t, kind: 'leave', room: '#dev', name: 'alice', reason: 'part', text: 'lunch' },
      { id: 10, at: t, kind: 'rename', room: '#dev', name: 'bob', to: 'robert' },
      { id: 12, at: t, kind: 'leave', room: '#dev', name: 'robert', reason: 'timeout' },
    ]);
    expect(await store.recent({ room: '#ops' }, 50)).toEqual([
      { id: 7, at: t, kind: 'announce', text: 'maintenance at noon' },
      { id: 11, at: t, kind: 'rename', room: '#ops', name: 'bob', to: 'robert' },
      { id: 13, at: t, kind: 'leave', room: '#ops', name: 'robert', reason: 'timeout' },
    ]);
    expect(await store.recent({ between: ['bob', 'alice'] }, 50)).toEqual([{ id: 8, at: t, kind: 'dm', name: 'alice', to: 'bob', text: 'just us' }]);
    // Absent fields are absent, not null or undefined-valued.
    expect(Object.keys((await store.recent({ room: '#dev' }, 50))[5] ?? {})).not.toContain('name');
  });

  it('does not keep mode, invite, away or closing events', async () => {
    const store = open(await tempDir());
    expect(store.append(ev({ kind: 'mode', room: '#dev', name: 'a', change: '+t', args: [], audience: [] }))).toBeNull();
    expect(store.append(ev({ kind: 'invite', room: '#dev', name: 'a', to: 'b', audience: [] }))).toBeNull();
    expect(store.append(ev({ kind: 'away', name: 'a', text: 'brb', audience: [] }))).toBeNull();
    expect(store.append(ev({ kind: 'closing', audience: [] }))).toBeNull();
    expect(store.append(ev({ kind: 'quit', name: 'a', reason: 'quit', rooms: [], audience: [] }))).toBeNull();
    expect(await store.recent({ room: '#dev' }, 10)).toEqual([]);
    expect(store.append(announce('kept'))?.id).toBe(1);
  });

  it('folds room names and conversation sides: #Lobby and #LOBBY are one room, Alice/BOB one conversation', async () => {
    const store = open(await tempDir());
    store.append(say('#Lobby', 'a', 'one'));
    store.append(say('#LOBBY', 'a', 'two'));
    store.append(say('#ｌｏｂｂｙ', 'a', 'three'));
    store.append(say('#other', 'a', 'elsewhere'));
    expect((await store.recent(lobby, 10)).map((e) => e.text)).toEqual(['one', 'two', 'three']);
    store.append(dm('Alice', 'bob', 'hi'));
    store.append(dm('BOB', 'alice', 'hello'));
    store.append(dm('alice', 'carol', 'not to bob'));
    expect((await store.recent({ between: ['bob', 'ALICE'] }, 10)).map((e) => e.text)).toEqual(['hi', 'hello']);
    // Announcements are in every room, never in a conversation.
    store.append(announce('to all'));
    expect((await store.recent({ room: '#other' }, 10)).map((e) => e.text)).toEqual(['elsewhere', 'to all']);
    expect((await store.recent({ between: ['alice', 'bob'] }, 10)).map((e) => e.text)).toEqual(['hi', 'hello']);
  });

  it('returns the stored form from append and from storedOf (the first row of a quit)', async () => {
    const store = open(await tempDir());
    const hi = say('#lobby', 'bob', 'hi');
    const said = store.append(hi);
    expect(said).toMatchObject({ id: 1, kind: 'message', text: 'hi', room: '#lobby' });
    expect(store.storedOf(hi)).toBe(said);
    const quit = ev({ kind: 'quit', name: 'bob', reason: 'quit', rooms: ['#a', '#b'], audience: [] });
    const left = store.append(quit);
    expect(left).toMatchObject({ id: 2, kind: 'leave', room: '#a', reason: 'quit' });
    expect(store.storedOf(quit)).toBe(left);
    // Only the last appended event is known: the chat delivers one event to all listeners at a time.
    expect(store.storedOf(hi)).toBeUndefined();
    expect(await store.recent(lobby, 1)).toEqual([said]);
    expect(store.append(announce('next'))?.id).toBe(4);
  });

  it('does not store again an event another node stored, and gives it that node\'s id', async () => {
    const store = open(await tempDir());
    const mine = store.append(say('#lobby', 'bob', 'here'));
    const theirs = { ...say('#lobby', 'ann', 'there'), remote: { node: 'n2', storedId: 40 } };
    expect(store.append(theirs)).toMatchObject({ id: 40, kind: 'message', text: 'there' });
    expect(store.storedOf(theirs)?.id).toBe(40);
    const unkept = { ...say('#lobby', 'ann', 'not kept'), remote: { node: 'n2' } };
    expect(store.append(unkept)).toBeNull();
    expect(store.storedOf(unkept)).toBeUndefined();
    expect(await store.recent(lobby, 10)).toEqual([mine]);
    // Ids of this store go on from its own: the other node's ids are its own business.
    expect(store.append(say('#lobby', 'bob', 'again'))?.id).toBe(2);
  });

  it('sees appends of the current turn at once, before they are written', async () => {
    const dir = await tempDir();
    const store = open(dir);
    store.append(announce('one'));
    store.append(announce('two'));
    expect((await store.recent(lobby, 5)).map((e) => e.text)).toEqual(['one', 'two']);
    await written();
    store.append(announce('three'));
    expect((await store.recent(lobby, 2)).map((e) => e.text)).toEqual(['two', 'three']);
    store.close();
    expect(fileValue(dir, 'SELECT count(*) FROM events')).toBe(3);
  });

  it('answers limits of 0 or less with nothing, refuses malformed targets and cursors', async () => {
    const store = open(await tempDir());
    store.append(announce('x'));
    expect(await store.recent(lobby, 0)).toEqual([]);
    expect(await store.recent(lobby, -3)).toEqual([]);
    expect(await store.recent(lobby, 1.7)).toHaveLength(1);
    await expect(store.recent({} as HistoryTarget, 5)).rejects.toThrow(TypeError);
    await expect(store.recent({ between: ['a'] } as unknown as HistoryTarget, 5)).rejects.toThrow(TypeError);
    await expect(store.page(lobby, Number.NaN, 5)).rejects.toThrow(RangeError);
    await expect(store.page(lobby, '3' as unknown as number, 5)).rejects.toThrow(RangeError);
  });
});

describe('SqliteHistory: paging backwards', () => {
  it('pages a room with a before cursor, announcements in their place, oldest first in each page', async () => {
    const store = open(await tempDir());
    for (let i = 1; i <= 25; i++) store.append(i % 10 === 0 ? announce(`a${i}`) : say('#lobby', 'x', `m${i}`));
    store.append(say('#other', 'x', 'not here'));
    const texts = (events: StoredEvent[]): (string | undefined)[] => events.map((e) => e.text);
    const newest = await store.recent(lobby, 10);
    expect(texts(newest)).toEqual(['m16', 'm17', 'm18', 'm19', 'a20', 'm21', 'm22', 'm23', 'm24', 'm25']);
    const above = await store.page(lobby, newest[0]?.id ?? 0, 10);
    expect(texts(above)).toEqual(['m6', 'm7', 'm8', 'm9', 'a10', 'm11', 'm12', 'm13', 'm14', 'm15']);
    const top = await store.page(lobby, above[0]?.id ?? 0, 10);
    expect(texts(top)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(await store.page(lobby, top[0]?.id ?? 0, 10)).toEqual([]);
    expect((await store.page(lobby, Infinity, 2)).map((e) => e.text)).toEqual(['m24', 'm25']);
  });

  it('pages a conversation without the rooms or announcements', async () => {
    const store = open(await tempDir());
    for (let i = 1; i <= 7; i++) {
      store.append(dm(i % 2 ? 'ann' : 'ben', i % 2 ? 'ben' : 'ann', `d${i}`));
      store.append(announce(`x${i}`));
      store.append(dm('ann', 'cy', `other${i}`));
    }
    const pair: HistoryTarget = { between: ['Ben', 'ann'] };
    const last = await store.recent(pair, 3);
    expect(last.map((e) => e.text)).toEqual(['d5', 'd6', 'd7']);
    expect((await store.page(pair, last[0]?.id ?? 0, 3)).map((e) => e.text)).toEqual(['d2', 'd3', 'd4']);
  });
});

describe('SqliteHistory: restarts', () => {
  it('survives a close and reopen with the same events and ids', async () => {
    const dir = await tempDir();
    const first = open(dir);
    first.append(ev({ kind: 'join', room: '#lobby', name: 'carol', audience: [] }));
    first.append(say('#lobby', 'carol', 'before the restart'));
    first.append(dm('carol', 'dan', 'private'));
    const before = await first.recent(lobby, 10);
    first.close();
    const second = open(dir);
    expect(await second.recent(lobby, 10)).toEqual(before);
    expect((await second.recent({ between: ['dan', 'carol'] }, 10)).map((e) => e.text)).toEqual(['private']);
    expect(second.append(announce('after'))?.id).toBe(4);
  });

  it('keeps increasing ids across reopen, even after retention removed the newest rows', async () => {
    const dir = await tempDir();
    const c = clock();
    const first = open(dir, { now: c.fn });
    for (let i = 0; i < 5; i++) first.append(announce(`old ${i}`, c.now));
    first.close();
    // Reopen 40 days later: every row is past the 30-day limit and pruned at open.
    c.now += 40 * 24 * 60 * 60 * 1000;
    const second = open(dir, { now: c.fn });
    expect(second.append(announce('new', c.now))?.id).toBe(6);
    second.close();
    expect(fileValue(dir, 'SELECT count(*) FROM events')).toBe(1);
    const third = open(dir, { now: c.fn });
    expect(await third.recent(lobby, 10)).toEqual([{ id: 6, at: c.now, kind: 'announce', text: 'new' }]);
  });

  it('ignores appends and saves after close, and close twice is harmless', async () => {
    const store = open(await tempDir());
    store.close();
    store.close();
    expect(store.append(announce('late'))).toBeNull();
    expect(await store.recent(lobby, 5)).toEqual([]);
    expect(await store.search('late', { rooms: ['#lobby'] }, 5)).toEqual([]);
    expect(await store.conversations('a', 5)).toEqual([]);
    expect(store.rooms()).toEqual([]);
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
    expect(await open(dir).recent(lobby, 1)).toEqual([]);
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
    const store = open(join(await tempDir(), 'a', 'b'));
    store.append(announce('deep'));
    expect((await store.recent(lobby, 1))[0]?.text).toBe('deep');
  });
});
