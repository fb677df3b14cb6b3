// Issue 14 across nodes: an edit, a delete and typing on node A reach a client on node B, and B's history shows the edit (real Redis and PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterEngines, type ClusterEngines, type TestCluster, type TestNode } from './helpers/cluster.js';
import { nextEvent, wsMember } from './helpers/cluster-clients.js';

let engines: ClusterEngines;
let cluster: TestCluster;
let nodes: [TestNode, TestNode];
beforeAll(async () => {
  engines = await clusterEngines();
  cluster = await engines.start(2);
  nodes = cluster.nodes as [TestNode, TestNode];
}, 90_000);
afterAll(async () => {
  await engines?.stop();
});

describe('two nodes: edit, delete, typing (issue 14)', () => {
  it("an edit and a delete on node A reach a client on node B, whose history then shows them; typing too, not back to the typer", async () => {
    const alice = await wsMember(nodes[0], 'alice');
    const bob = await wsMember(nodes[1], 'bob');
    await nextEvent(alice, (e) => e.kind === 'join' && e.name === 'bob');
    try {
      alice.send({ type: 'say', text: 'helo from A' });
      const typo = (await nextEvent(bob, (e) => e.kind === 'message' && e.text === 'helo from A')).id;
      alice.send({ type: 'say', text: 'delete me' });
      const gone = (await nextEvent(bob, (e) => e.kind === 'message' && e.text === 'delete me')).id;
      alice.send({ type: 'edit', id: typo, text: 'hello from A' });
      expect(await nextEvent(bob, (e) => e.kind === 'edit')).toMatchObject({ id: 0, target: typo, room: '#lobby', author: 'alice', name: 'alice', text: 'hello from A', notice: 'alice edited: hello from A' });
      alice.send({ type: 'delete', id: gone });
      expect(await nextEvent(bob, (e) => e.kind === 'delete')).toMatchObject({ target: gone, author: 'alice', name: 'alice' });
      alice.send({ type: 'typing', room: '#lobby', state: 'active' });
      expect(await nextEvent(bob, (e) => e.kind === 'typing')).toMatchObject({ room: '#lobby', name: 'alice', state: 'active' });

      // B's store reads PostgreSQL, where A's writer puts the change: wait for it there, then a newcomer on B sees it.
      const historyB = nodes[1].server.engines!.history;
      await expect
        .poll(async () => (await historyB.recent({ room: '#lobby' }, 50)).filter((e) => e.id === typo || e.id === gone).map((e) => [e.text, e.deleted === true]), { timeout: 10_000 })
        .toEqual([
          ['hello from A', false],
          ['', true],
        ]);
      const carol = await wsMember(nodes[1], 'carol');
      const page = await carol.ask({ type: 'history', room: '#lobby' }, 'history');
      if (page.type !== 'history') throw new Error(JSON.stringify(page));
      expect(page.events.find((e) => e.id === typo)).toMatchObject({ text: 'hello from A', notice: 'alice: hello from A (edited)' });
      expect(page.events.find((e) => e.id === typo)?.edited).toBeGreaterThan(0);
      expect(page.events.find((e) => e.id === gone)).toMatchObject({ text: '', deleted: true });
      // Bob (on B) may not edit alice's message (the rules hold on every node), and the typing never came back to alice.
      expect(await bob.ask({ type: 'edit', id: typo, text: 'mine now' }, 'error')).toMatchObject({ code: 'PERMISSION_DENIED', about: 'edit' });
      expect(alice.events().filter((e) => e.kind === 'typing')).toEqual([]);
      carol.close();
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('a direct message sent on B and edited there at once reaches its addressee on A, as does typing to A', async () => {
    const alice = await wsMember(nodes[0], 'dora');
    const bob = await wsMember(nodes[1], 'eric');
    await nextEvent(alice, (e) => e.kind === 'join' && e.name === 'eric');
    try {
      bob.send({ type: 'say', to: 'dora', text: 'meet at 5' });
      const id = (await nextEvent(alice, (e) => e.kind === 'dm')).id;
      // Edited at once on B: B's own store finds the row it just queued.
      bob.send({ type: 'edit', id, text: 'meet at 6' });
      expect(await nextEvent(alice, (e) => e.kind === 'edit')).toMatchObject({ target: id, to: 'dora', author: 'eric', name: 'eric', text: 'meet at 6' });
      bob.send({ type: 'typing', to: 'dora', state: 'paused' });
      expect(await nextEvent(alice, (e) => e.kind === 'typing')).toMatchObject({ to: 'dora', name: 'eric', state: 'paused' });
    } finally {
      alice.close();
      bob.close();
    }
  });
});
