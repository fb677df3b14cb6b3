// Two nodes sharing one library folder: a change made through one node reaches the other's WebSocket file list live, once, with no echo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryChange } from '../src/core/library-events.js';
import { clusterEngines, type ClusterEngines, type TestNode } from './helpers/cluster.js';
import { TestWsClient } from './helpers/ws.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

/** A web UI connection to `node`: its file list hears library changes from `hello` on. */
async function browserOn(node: TestNode): Promise<TestWsClient> {
  const ws = await TestWsClient.open(`ws://127.0.0.1:${node.http}/ws`);
  await ws.nextOf('hello');
  return ws;
}

async function call(node: TestNode, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${node.http}${path}`, { method, ...init });
  await res.arrayBuffer();
  return res.status;
}

/** Every change a node's library announces, as its subscribers get them. */
function recorder(node: TestNode): LibraryChange[] {
  const heard: LibraryChange[] = [];
  node.server.library.subscribe((change) => heard.push(change));
  return heard;
}

const whatChanged = (change: LibraryChange): string => (change.kind === 'rename' ? `rename ${change.from} ${change.to}` : `${change.kind} ${change.path}`);

describe('the library across two nodes on one shared folder', () => {
  it('an upload, a rename and a delete through node one reach a browser on node two live, once each, with no echo', async () => {
    const cluster = await engines.start(2);
    const clients: TestWsClient[] = [];
    try {
      const [one, two] = cluster.nodes as [TestNode, TestNode];
      const heardOne = recorder(one);
      const heardTwo = recorder(two);
      const browser = await browserOn(two);
      clients.push(browser);
      const admin = { authorization: `Bearer ${one.server.adminToken}` };

      expect(await call(one, 'PUT', '/files/report.txt', { body: 'twelve bytes' })).toBe(201);
      const put = await browser.nextOf('library');
      // The same frame a local change makes: nothing of who or which node.
      expect(put).toEqual({ type: 'library', change: { kind: 'put', path: 'report.txt', size: 12, mtime: expect.any(Number) as number } });

      expect(await call(one, 'MOVE', '/files/report.txt', { headers: { ...admin, destination: '/files/final.txt' } })).toBe(201);
      expect(await browser.nextOf('library')).toEqual({ type: 'library', change: { kind: 'rename', from: 'report.txt', to: 'final.txt', type: 'file' } });

      expect(await call(one, 'DELETE', '/files/final.txt', { headers: admin })).toBe(204);
      expect(await browser.nextOf('library')).toEqual({ type: 'library', change: { kind: 'delete', path: 'final.txt', type: 'file' } });

      // Node two read nothing from disk to say so: the file is gone, and the list it would show agrees.
      expect((await two.server.library.list()).map((e) => e.name)).toEqual([]);

      // A change through node two: it reaches node one after anything node two could have echoed
      // (the bus keeps each node's messages in order), so an echo would be counted below.
      const back = await browserOn(one);
      clients.push(back);
      expect(await call(two, 'POST', '/api/folders', { body: JSON.stringify({ path: 'from-two' }), headers: { 'content-type': 'application/json' } })).toBe(201);
      expect(await back.nextOf('library')).toEqual({ type: 'library', change: { kind: 'mkdir', path: 'from-two', mtime: expect.any(Number) as number } });

      const expected = ['put report.txt', 'rename report.txt final.txt', 'delete final.txt', 'mkdir from-two'];
      expect(heardOne.map(whatChanged)).toEqual(expected);
      expect(heardTwo.map(whatChanged)).toEqual(expected);
      // Who made each change on the node that heard it: the other node, named; local ones unmarked.
      const nodeOne = one.server.engines?.bus.nodeId;
      const nodeTwo = two.server.engines?.bus.nodeId;
      expect(heardTwo.map((c) => c.remote?.node)).toEqual([nodeOne, nodeOne, nodeOne, undefined]);
      expect(heardOne.map((c) => c.remote?.node)).toEqual([undefined, undefined, undefined, nodeTwo]);
      // The door and the address travel for the other node's log line; the actor (roles) does not.
      expect(heardTwo[0]?.by).toMatchObject({ door: 'http', address: '127.0.0.1' });
      expect(heardTwo[0]?.by).not.toHaveProperty('actor');
    } finally {
      for (const c of clients) c.close();
      await cluster.close();
    }
  }, 60_000);
});
