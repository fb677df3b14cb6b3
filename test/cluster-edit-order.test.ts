// Issue 14 across nodes: a delete and an edit decided on node B for node A's message before A's row reached PostgreSQL are kept (real Redis and PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { clusterEngines, type ClusterEngines, type TestCluster, type TestNode } from './helpers/cluster.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { nextEvent, wsMember } from './helpers/cluster-clients.js';

let engines: ClusterEngines;
let cluster: TestCluster;
let proxy: TcpProxy;
let nodeA: TestNode;
let nodeB: TestNode;
let db: pg.Client;
beforeAll(async () => {
  engines = await clusterEngines();
  cluster = await engines.start(1);
  nodeB = cluster.nodes[0] as TestNode;
  // Node A reaches PostgreSQL through a proxy the test holds: its rows wait there while B goes on.
  proxy = await startTcpProxy(engines.pg.port);
  nodeA = await cluster.add({ database: cluster.database.replace(`:${engines.pg.port}/`, `:${proxy.port}/`) });
  db = new pg.Client({ connectionString: cluster.database });
  await db.connect();
}, 90_000);
afterAll(async () => {
  proxy?.release();
  await db?.end().catch(() => undefined);
  await engines?.stop();
  await proxy?.close();
});

/** The row as PostgreSQL has it, or undefined while it has not landed. */
async function rowOf(id: number): Promise<{ kind: string; text: string | null; deleted: boolean | null } | undefined> {
  return (await db.query<{ kind: string; text: string | null; deleted: boolean | null }>('SELECT kind, text, deleted FROM history_events WHERE id = $1', [id])).rows[0];
}

describe("two nodes: a change on B to A's message not yet in PostgreSQL (issue 14)", () => {
  it("a room operator on B deletes a message A has not written yet: once A's row lands it is a tombstone; B's history showed the delete meanwhile", async () => {
    const bob = await wsMember(nodeB, 'bob');
    const alice = await wsMember(nodeA, 'alice');
    try {
      // bob opens #ops (its first member is its operator); alice joins it from A.
      await bob.ask({ type: 'join', room: '#ops' }, 'joined');
      await alice.ask({ type: 'join', room: '#ops' }, 'joined');
      await nextEvent(bob, (e) => e.kind === 'join' && e.name === 'alice' && e.room === '#ops');
      proxy.hold();
      alice.send({ type: 'say', room: '#ops', text: 'the root password is hunter2' });
      const id = (await nextEvent(bob, (e) => e.kind === 'message' && e.room === '#ops')).id;
      bob.send({ type: 'delete', id });
      expect(await nextEvent(alice, (e) => e.kind === 'delete')).toMatchObject({ target: id, name: 'bob', author: 'alice' });
      // B's change is in PostgreSQL before A's row (B's reads wait for B's writes).
      const page = await bob.ask({ type: 'history', room: '#ops' }, 'history');
      if (page.type !== 'history') throw new Error(JSON.stringify(page));
      expect.soft(page.events.find((e) => e.id === id)).toMatchObject({ text: '', deleted: true });
      expect((await rowOf(id))?.kind).not.toBe('message');
      proxy.release();
      await expect.poll(async () => (await rowOf(id))?.kind, { timeout: 10_000 }).toBe('message');
      expect(await rowOf(id)).toMatchObject({ text: null, deleted: true });
    } finally {
      proxy.release();
      alice.close();
      bob.close();
    }
  });
});
