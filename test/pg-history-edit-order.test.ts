// Issue 14 on several nodes: node B edits or deletes node A's message before A's row reached PostgreSQL; the change must not be lost, whichever lands first.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { ChatEvent } from '../src/core/chat/types.js';
import { PgHistory } from '../src/engine/store/postgres/history.js';
import { SCALE } from '../src/engine/store/postgres/history-ids.js';
import { insertEvents } from '../src/engine/store/postgres/history-rows.js';
import { rowsOf } from '../src/store/sqlite-rows.js';
import type { StoredEvent } from '../src/store/history.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { ev, say } from './helpers/store.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

let server: TestPostgres;
const stores: PgHistory[] = [];
const proxies: TcpProxy[] = [];
const clients: pg.Client[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterEach(async () => {
  for (const p of proxies) p.release();
  await Promise.all(stores.splice(0).map((s) => s.closeAsync()));
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await server?.stop();
});

async function node(url: string): Promise<PgHistory> {
  const store = await PgHistory.open(url, { onError: () => undefined });
  stores.push(store);
  return store;
}

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  clients.push(c);
  return c;
}

/** Node A reaches PostgreSQL through a proxy the test can hold (its writes wait there); node B directly. */
async function twoNodes(): Promise<{ url: string; a: PgHistory; b: PgHistory; proxy: TcpProxy }> {
  const url = await server.newDatabase();
  const proxy = await startTcpProxy(server.port);
  proxies.push(proxy);
  const a = await node(url.replace(`:${server.port}/`, `:${proxy.port}/`));
  const b = await node(url);
  return { url, a, b, proxy };
}

/** What another node delivers: the event as heard live, under the id its node gave it. */
const heard = (event: ChatEvent, id: number): ChatEvent => ({ ...event, remote: { node: 'a', storedId: id } });
const edit = (target: number, text: string, at: number): ChatEvent =>
  ev({ kind: 'edit', target, room: '#dev', author: 'ann', name: 'ann', text, audience: [] }, at);
const del = (target: number, by: string, at: number): ChatEvent => ev({ kind: 'delete', target, room: '#dev', author: 'ann', name: by, audience: [] }, at);

function idOf(stored: StoredEvent | null): number {
  if (stored === null) throw new Error('not stored');
  return stored.id;
}

/** The row as PostgreSQL has it (no node's memory in between). */
async function rowOf(db: pg.Client, id: number): Promise<{ kind: string; text: string | null; edited: string | null; deleted: boolean | null } | undefined> {
  return (await db.query<{ kind: string; text: string | null; edited: string | null; deleted: boolean | null }>('SELECT kind, text, edited, deleted FROM history_events WHERE id = $1', [id])).rows[0];
}

describe("PgHistory: a change decided on node B before node A's row landed", () => {
  it("an edit written before A's insert is kept: history on both nodes, and search, show the new words once A's row lands", async () => {
    const { url, a, b, proxy } = await twoNodes();
    const db = await client(url);
    const at = Date.now();
    proxy.hold();
    const message = say('#dev', 'ann', 'helo wrold', at);
    const id = idOf(a.append(message));
    b.append(heard(message, id));
    b.append(edit(id, 'hello world', at + 5));
    // B's change has landed (B's reads wait for B's writes); A's row has not.
    const early = await b.recent({ room: '#dev' }, 10);
    expect((await rowOf(db, id))?.kind).not.toBe('message');
    // Meanwhile B shows the message it heard with its own change on it, and search finds no half-made row.
    expect.soft(early.map((e) => [e.id, e.text])).toEqual([[id, 'hello world']]);
    expect(await b.search('hello', { rooms: ['#dev'] }, 10)).toEqual([]);
    proxy.release();
    await a.recent({ room: '#dev' }, 1);
    expect(await rowOf(db, id)).toMatchObject({ kind: 'message', text: 'hello world', edited: String(at + 5), deleted: null });
    for (const store of [a, b]) {
      expect((await store.recent({ room: '#dev' }, 10)).map((e) => [e.id, e.text, e.edited])).toEqual([[id, 'hello world', at + 5]]);
      expect((await store.search('hello', { rooms: ['#dev'] }, 10)).map((e) => e.id)).toEqual([id]);
      expect(await store.search('wrold', { rooms: ['#dev'] }, 10)).toEqual([]);
      expect(await store.get(id)).toEqual({ id, kind: 'message', room: '#dev', name: 'ann', deleted: false });
    }
  });

  it("a delete written before A's insert is kept: the row lands as a tombstone", async () => {
    const { url, a, b, proxy } = await twoNodes();
    const db = await client(url);
    const at = Date.now();
    proxy.hold();
    const message = say('#dev', 'ann', 'my password is hunter2', at);
    const id = idOf(a.append(message));
    const after = idOf(a.append(say('#dev', 'ann', 'oops', at + 1)));
    b.append(heard(message, id));
    b.append(del(id, 'oper', at + 5));
    expect.soft((await b.recent({ room: '#dev' }, 10)).map((e) => [e.id, e.text, e.deleted])).toEqual([[id, '', true]]);
    proxy.release();
    await a.recent({ room: '#dev' }, 1);
    expect(await rowOf(db, id)).toMatchObject({ kind: 'message', text: null, deleted: true });
    for (const store of [a, b]) {
      expect((await store.recent({ room: '#dev' }, 10)).map((e) => [e.id, e.text, e.deleted])).toEqual([
        [id, '', true],
        [after, 'oops', undefined],
      ]);
      expect(await store.search('hunter2', { rooms: ['#dev'] }, 10)).toEqual([]);
      expect((await store.get(id))?.deleted).toBe(true);
    }
  });

  it('an edit then a delete, both before the insert: a tombstone (a delete is final)', async () => {
    const { url, a, b, proxy } = await twoNodes();
    const db = await client(url);
    const at = Date.now();
    proxy.hold();
    const message = say('#dev', 'ann', 'first', at);
    const id = idOf(a.append(message));
    b.append(heard(message, id));
    b.append(edit(id, 'second', at + 1));
    b.append(del(id, 'ann', at + 2));
    b.append(edit(id, 'back from the dead', at + 3));
    await b.recent({ room: '#dev' }, 1);
    proxy.release();
    await a.recent({ room: '#dev' }, 1);
    expect(await rowOf(db, id)).toMatchObject({ kind: 'message', text: null, deleted: true });
  });

  it("B's change waits for an insert in flight (not committed yet) and lands on it", async () => {
    const url = await server.newDatabase();
    const b = await node(url);
    const db = await client(url);
    const watcher = await client(url);
    // Node A's batch, begun and not committed: its insert is invisible to B until the commit.
    const at = Date.now();
    const id = at * SCALE + 15 * (SCALE / 16);
    await db.query('BEGIN');
    for (const s of insertEvents(rowsOf(say('#dev', 'ann', 'helo', at), id))) await db.query(s.text, s.values);
    b.append(edit(id, 'hello', at + 5));
    // Either B's write lands at once (it missed the row) or it waits on A's transaction.
    let landed = false;
    const settled = b.recent({ room: '#dev' }, 1).then(() => (landed = true));
    while (!landed) {
      const waiting = await watcher.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if ((waiting.rows[0]?.n ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // B's write waited for A's transaction rather than missing the row.
    expect(landed).toBe(false);
    await db.query('COMMIT');
    await settled;
    expect(await rowOf(db, id)).toMatchObject({ kind: 'message', text: 'hello', edited: String(at + 5) });
    expect((await b.recent({ room: '#dev' }, 10)).map((e) => e.text)).toEqual(['hello']);
  });

  it('a change naming no message leaves nothing any read shows', async () => {
    const url = await server.newDatabase();
    const b = await node(url);
    const at = Date.now();
    const kept = idOf(b.append(say('#dev', 'ben', 'hello there', at)));
    b.append(edit(kept + 7, 'hello ghost', at + 1));
    b.append(del(kept + 9, 'ben', at + 1));
    expect((await b.recent({ room: '#dev' }, 10)).map((e) => e.id)).toEqual([kept]);
    expect((await b.search('hello', { rooms: ['#dev'], member: 'ben' }, 10)).map((e) => e.id)).toEqual([kept]);
    expect(await b.get(kept + 7)).toBeUndefined();
    expect(await b.get(kept + 9)).toBeUndefined();
  });
});
