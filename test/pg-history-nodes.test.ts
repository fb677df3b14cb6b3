// PgHistory as several nodes see it: two stores on one database (ids, rows, search alike from both), and PostgreSQL going away and coming back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NetroomError } from '../src/core/errors.js';
import { PgHistory, type PgHistoryOptions } from '../src/engine/store/postgres/history.js';
import { SCALE, msOfId } from '../src/engine/store/postgres/history-ids.js';
import { SLOTS } from '../src/engine/store/postgres/history-schema.js';
import type { SearchScope, StoredEvent } from '../src/store/history.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { announce, dm, nextTurn, say } from './helpers/store.js';

let server: TestPostgres;
const stores: PgHistory[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.closeAsync()));
});
afterAll(async () => {
  await server?.stop();
});

async function node(url: string, options: PgHistoryOptions = {}): Promise<PgHistory> {
  const store = await PgHistory.open(url, options);
  stores.push(store);
  return store;
}

const texts = (events: readonly StoredEvent[]): (string | undefined)[] => events.map((e) => e.text);
const slotOf = (id: number): number => Math.floor((id % SCALE) / (SCALE / SLOTS));
const everywhere: SearchScope = { rooms: ['#lobby', '#dev'], member: 'ann' };

/** Wait (turn by turn) until the clock is past the ms of `id`, so the next id is made in a later ms. */
async function pastMsOf(id: number): Promise<void> {
  while (Date.now() <= msOfId(id)) await nextTurn();
}

/** Retry a read while it fails with STORE_UNAVAILABLE (PostgreSQL just came back: the pool reconnects). */
async function once<T>(read: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await read();
    } catch (err) {
      if ((err as NetroomError).code !== 'STORE_UNAVAILABLE' || tries > 50) throw err;
    }
  }
}

describe('PgHistory: two nodes on one database', () => {
  it('takes a node slot each; ids increase with time across both nodes', async () => {
    const url = await server.newDatabase();
    const a = await node(url);
    const b = await node(url);
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const stored = (i % 2 === 0 ? a : b).append(say('#lobby', i % 2 === 0 ? 'ann' : 'ben', `turn ${i}`));
      ids.push(stored?.id ?? 0);
      await pastMsOf(stored?.id ?? 0);
    }
    for (let i = 1; i < ids.length; i++) expect(ids[i] as number).toBeGreaterThan(ids[i - 1] as number);
    expect(slotOf(ids[0] as number)).not.toBe(slotOf(ids[1] as number));
    // Each sees the other's rows, in the order they happened, with the ids their writers gave.
    // A read waits for its own node's writes only: both nodes' have landed once both have answered.
    await Promise.all([a.recent({ room: '#lobby' }, 1), b.recent({ room: '#lobby' }, 1)]);
    const fromA = await a.recent({ room: '#lobby' }, 20);
    const fromB = await b.recent({ room: '#lobby' }, 20);
    expect(fromA.map((e) => e.id)).toEqual(ids);
    expect(fromB).toEqual(fromA);
    expect(texts(await b.page({ room: '#lobby' }, ids[5] as number, 2))).toEqual(['turn 3', 'turn 4']);
  });

  it('never gives two rows one id, even in a burst on both nodes within the same few ms', async () => {
    const url = await server.newDatabase();
    const a = await node(url);
    const b = await node(url);
    const ids = new Set<number>();
    for (let i = 0; i < 300; i++) {
      ids.add(a.append(say('#lobby', 'ann', `a ${i}`))?.id ?? -1);
      ids.add(b.append(say('#lobby', 'ben', `b ${i}`))?.id ?? -1);
    }
    expect(ids.size).toBe(600);
    // A read waits for its own node's writes: once both nodes' have landed (whole: no row lost to a
    // clash), each node sees all 600.
    await Promise.all([a.recent({ room: '#lobby' }, 1), b.recent({ room: '#lobby' }, 1)]);
    expect(await a.recent({ room: '#lobby' }, 1000)).toHaveLength(600);
    expect(await b.recent({ room: '#lobby' }, 1000)).toHaveLength(600);
  });

  it('answers history, conversations and search alike from both nodes', async () => {
    const url = await server.newDatabase();
    const a = await node(url);
    const b = await node(url);
    // One after the other in time (ids of one ms on two nodes are in slot order, not append order).
    for (const [store, event] of [
      [a, say('#lobby', 'ann', 'the deploy is done')],
      [b, say('#dev', 'ben', 'deploy of the api next')],
      [a, dm('ann', 'ben', 'deploy question for you')],
      [b, dm('ben', 'Ann', 'answer to the deploy question')],
      [b, say('#lobby', 'zhang', '部署完成了')],
      [a, announce('deploy freeze tonight')],
    ] as const) {
      await pastMsOf(store.append(event)?.id ?? 0);
    }
    // Each node's reads wait for its own writes only: let the other node's land first.
    await a.recent({ room: '#lobby' }, 1);
    await b.recent({ room: '#lobby' }, 1);
    for (const query of ['deploy', 'DEPLOY question', '部署', '"', 'nothing here']) {
      expect(await b.search(query, everywhere, 20), query).toEqual(await a.search(query, everywhere, 20));
    }
    expect(texts(await a.search('deploy', everywhere, 20))).toEqual([
      'deploy freeze tonight',
      'answer to the deploy question',
      'deploy question for you',
      'deploy of the api next',
      'the deploy is done',
    ]);
    expect(texts(await b.search('部署', everywhere, 20))).toEqual(['部署完成了']);
    expect(await b.conversations('ann', 10)).toEqual(await a.conversations('ann', 10));
    expect(await a.conversations('ann', 10)).toMatchObject([{ with: 'ben' }]);
    expect(await b.recent({ between: ['ben', 'ann'] }, 10)).toEqual(await a.recent({ between: ['ann', 'ben'] }, 10));
  });

  it('shows a room one node saved to a node opened after it', async () => {
    const url = await server.newDatabase();
    const a = await node(url);
    a.saveRoom({ name: '#Ops', topic: 'pager', topicBy: 'ann', topicAt: 5, createdAt: 1, modes: { noExternal: true, topicLocked: false, secret: true, inviteOnly: false, moderated: false, key: null, limit: null } });
    await a.recent({ room: '#ops' }, 1);
    const b = await node(url);
    expect(b.rooms()).toEqual(a.rooms());
    expect(b.rooms()).toMatchObject([{ name: '#Ops', topic: 'pager', modes: { secret: true } }]);
  });
});

describe('PgHistory: PostgreSQL away', () => {
  it('keeps appends while PostgreSQL is down, rejects reads with STORE_UNAVAILABLE, and writes them when it is back', async () => {
    const url = await server.newDatabase();
    const errors: unknown[] = [];
    const store = await node(url, { onError: (err) => errors.push(err) });
    store.append(say('#lobby', 'ann', 'before'));
    expect(texts(await store.recent({ room: '#lobby' }, 10))).toEqual(['before']);
    await server.down();
    try {
      const during = store.append(say('#lobby', 'ann', 'during the outage'));
      store.saveRoom({ name: '#lobby', topic: 'set while down', topicBy: null, topicAt: null, createdAt: 1, modes: { noExternal: true, topicLocked: false, secret: false, inviteOnly: false, moderated: false, key: null, limit: null } });
      expect(during?.id).toBeGreaterThan(0);
      await expect(store.recent({ room: '#lobby' }, 10)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.search('outage', everywhere, 10)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.conversations('ann', 10)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(store.backlog).toBeGreaterThan(0);
      // The message names where, never a password.
      await expect(store.recent({ room: '#lobby' }, 10)).rejects.toThrow(/cannot use PostgreSQL at 127\.0\.0\.1:\d+\//);
      // Opening another node now fails clearly too.
      await expect(PgHistory.open(url)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await server.up();
    }
    expect(texts(await once(() => store.recent({ room: '#lobby' }, 10)))).toEqual(['before', 'during the outage']);
    expect(store.backlog).toBe(0);
    expect(texts(await store.search('outage', everywhere, 10))).toEqual(['during the outage']);
    // Nothing was thrown into the event loop; the rows were never given up.
    expect(errors.filter((e) => /not written|dropped/.test(String(e)))).toEqual([]);
    const again = await node(url);
    expect(again.rooms()).toMatchObject([{ name: '#lobby', topic: 'set while down' }]);
  });

  it('closes within closeTimeoutMs while PostgreSQL is down, and says how much was not written', async () => {
    const url = await server.newDatabase();
    const errors: unknown[] = [];
    const store = await PgHistory.open(url, { onError: (err) => errors.push(err), closeTimeoutMs: 300 });
    await server.down();
    try {
      store.append(say('#lobby', 'ann', 'never written'));
      store.append(say('#lobby', 'ann', 'nor this'));
      await store.closeAsync();
    } finally {
      await server.up();
    }
    expect(errors.map(String).join('\n')).toMatch(/2 rows and room changes were not written/);
  });
});

describe('PgHistory: text PostgreSQL cannot hold', () => {
  it('keeps a text with U+0000 (as U+FFFD) instead of failing its batch', async () => {
    const store = await node(await server.newDatabase());
    store.append(say('#lobby', 'ann', 'nul \u0000 inside'));
    store.append(say('#lobby', 'ann', 'the next one'));
    expect(texts(await store.recent({ room: '#lobby' }, 10))).toEqual(['nul \uFFFD inside', 'the next one']);
    expect(texts(await store.search('nul', { rooms: ['#lobby'] }, 10))).toEqual(['nul \uFFFD inside']);
  });
});
