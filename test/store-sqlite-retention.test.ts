// Tests of the history's retention (count per room and conversation, age everywhere), persisted rooms and conversation lists.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomModes } from '../src/core/chat/types.js';
import type { StoredRoom } from '../src/store/history.js';
import { PRUNE_EVERY_APPENDS } from '../src/store/sqlite-options.js';
import { SqliteHistory } from '../src/store/sqlite.js';
import { DAY, announce, cleanUp, clock, dm, ev, fileValue, written, open, say, tempDir } from './helpers/store.js';

afterEach(cleanUp);

const count = (dir: string, where = '1'): unknown => fileValue(dir, `SELECT count(*) FROM events WHERE ${where}`);

describe('SqliteHistory: retention', () => {
  it('keeps the newest maxEvents of each room and conversation on prune(), and their index entries only', async () => {
    const dir = await tempDir();
    const store = open(dir, { maxEvents: 3 });
    for (let i = 1; i <= 5; i++) store.append(say('#busy', 'x', `busy ${i}`));
    for (let i = 1; i <= 2; i++) store.append(say('#quiet', 'x', `quiet ${i}`));
    for (let i = 1; i <= 4; i++) store.append(dm('ann', 'ben', `pm ${i}`));
    store.prune();
    expect((await store.recent({ room: '#busy' }, 10)).map((e) => e.text)).toEqual(['busy 3', 'busy 4', 'busy 5']);
    expect((await store.recent({ room: '#quiet' }, 10)).map((e) => e.text)).toEqual(['quiet 1', 'quiet 2']);
    expect((await store.recent({ between: ['ann', 'ben'] }, 10)).map((e) => e.text)).toEqual(['pm 2', 'pm 3', 'pm 4']);
    expect(await store.search('busy', { rooms: ['#busy'] }, 10)).toHaveLength(3);
    store.close();
    expect(count(dir)).toBe(8);
    // The FTS index lost the pruned rows too: what it finds is only what is left.
    const db = SqliteHistory.open(dir, { maxEvents: 3 });
    try {
      expect((await db.search('pm', { rooms: [], member: 'ben' }, 10)).map((e) => e.text)).toEqual(['pm 4', 'pm 3', 'pm 2']);
    } finally {
      db.close();
    }
    expect(fileValue(dir, "SELECT count(*) FROM events_fts WHERE events_fts MATCH '\"busy\"'")).toBe(3);
  });

  it(`prunes by count by itself after ${PRUNE_EVERY_APPENDS} appends, only where rows were added`, async () => {
    const dir = await tempDir();
    const store = open(dir, { maxEvents: 10 });
    for (let i = 0; i < PRUNE_EVERY_APPENDS; i++) store.append(say(i % 2 ? '#a' : '#b', 'x', `m${i}`));
    await written();
    expect((await store.recent({ room: '#a' }, 1))[0]?.text).toBe(`m${PRUNE_EVERY_APPENDS - 1}`);
    store.close();
    expect(count(dir)).toBe(20);
  });

  it('drops events older than maxAgeMs in every room and conversation: hidden at once, deleted by prune()', async () => {
    const dir = await tempDir();
    const c = clock();
    const options = { maxAgeMs: 10 * DAY, now: c.fn };
    const store = open(dir, options);
    store.append(say('#lobby', 'x', 'day 0', c.now));
    store.append(dm('ann', 'ben', 'day 0 pm', c.now));
    c.now += 5 * DAY;
    store.append(announce('day 5', c.now));
    c.now += 6 * DAY; // day 11: the day-0 rows are 11 days old
    expect((await store.recent({ room: '#lobby' }, 10)).map((e) => e.text)).toEqual(['day 5']);
    expect(await store.recent({ between: ['ann', 'ben'] }, 10)).toEqual([]);
    expect((await store.search('day', { rooms: ['#lobby'], member: 'ann' }, 10)).map((e) => e.text)).toEqual(['day 5']);
    expect(await store.conversations('ann', 10)).toEqual([]);
    store.close();
    expect(count(dir)).toBe(3); // hidden, not yet deleted
    const again = open(dir, options);
    again.prune();
    again.close();
    expect(count(dir)).toBe(1);
    expect(fileValue(dir, 'SELECT count(*) FROM dm_peers')).toBe(0);
  });

  it('applies retention to every room and conversation when it opens', async () => {
    const dir = await tempDir();
    const first = open(dir);
    for (let i = 0; i < 5; i++) {
      first.append(say('#x', 'a', `x${i}`));
      first.append(say('#y', 'a', `y${i}`));
      first.append(announce(`z${i}`));
    }
    first.close();
    open(dir, { maxEvents: 2 }).close();
    expect(count(dir)).toBe(6);
    expect(count(dir, "conv = '*'")).toBe(2);
  });

  it('refuses nonsense limits', async () => {
    const dir = await tempDir();
    expect(() => SqliteHistory.open(dir, { maxEvents: 0 })).toThrow(RangeError);
    expect(() => SqliteHistory.open(dir, { maxAgeMs: -1 })).toThrow(RangeError);
  });
});

const modes: RoomModes = { noExternal: true, topicLocked: true, secret: false, inviteOnly: true, moderated: false, key: 'sesame', limit: 12 };

describe('SqliteHistory: rooms', () => {
  it('saves rooms at once, updates them by folded name, and keeps them across a restart', async () => {
    const dir = await tempDir();
    const store = open(dir);
    const dev: StoredRoom = { name: '#Dev', topic: '', topicBy: null, topicAt: null, createdAt: 1000, modes: { ...modes, noExternal: false }, founder: 'alice' };
    store.saveRoom(dev);
    store.saveRoom({ name: '#lobby', topic: 'welcome', topicBy: 'admin', topicAt: 5, createdAt: 10, modes: { ...modes, key: null, limit: null } });
    expect(store.rooms().map((r) => r.name)).toEqual(['#lobby', '#Dev']);
    store.saveRoom({ ...dev, topic: 'builds', topicBy: 'alice', topicAt: 2000 });
    store.saveRoom({ ...dev, name: '#DEV', topic: 'builds!', topicBy: 'bob', topicAt: 3000 });
    expect(store.rooms()).toHaveLength(2);
    store.close();
    const again = open(dir);
    expect(again.rooms()).toEqual([
      { name: '#lobby', topic: 'welcome', topicBy: 'admin', topicAt: 5, createdAt: 10, modes: { ...modes, key: null, limit: null }, founder: null },
      // -n and the founder (issue 12) survive the restart too.
      { name: '#DEV', topic: 'builds!', topicBy: 'bob', topicAt: 3000, createdAt: 1000, modes: { ...modes, noExternal: false }, founder: 'alice' },
    ]);
  });

  it('refuses a room without a # and changes nothing', async () => {
    const store = open(await tempDir());
    expect(() => store.saveRoom({ name: 'dev', topic: '', topicBy: null, topicAt: null, createdAt: 1, modes })).toThrow(TypeError);
    expect(store.rooms()).toEqual([]);
  });
});

describe('SqliteHistory: conversations', () => {
  it("lists a member's conversations newest first, with the other side's name as last seen", async () => {
    const c = clock();
    const store = open(await tempDir(), { now: c.fn });
    store.append(dm('alice', 'bob', 'one', c.now));
    store.append(dm('carol', 'Alice', 'two', c.now + 1));
    store.append(dm('ALICE', 'Bob', 'three', c.now + 2));
    store.append(dm('dan', 'erin', 'not alice', c.now + 3));
    store.append(say('#lobby', 'alice', 'room talk', c.now + 4));
    expect(await store.conversations('alice', 10)).toEqual([
      { with: 'Bob', lastId: 3, lastAt: c.now + 2 },
      { with: 'carol', lastId: 2, lastAt: c.now + 1 },
    ]);
    expect(await store.conversations('BOB', 10)).toEqual([{ with: 'ALICE', lastId: 3, lastAt: c.now + 2 }]);
    expect(await store.conversations('alice', 1)).toHaveLength(1);
    expect(await store.conversations('zed', 10)).toEqual([]);
    expect(await store.conversations('alice', 0)).toEqual([]);
  });

  it('keeps a conversation with oneself once', async () => {
    const store = open(await tempDir());
    store.append(ev({ kind: 'dm', name: 'solo', to: 'Solo', text: 'note to self', audience: [] }));
    expect(await store.conversations('solo', 10)).toMatchObject([{ with: 'solo' }]);
    expect((await store.recent({ between: ['solo', 'SOLO'] }, 5)).map((e) => e.text)).toEqual(['note to self']);
  });
});
