// Issue 13 race: a node slow to reach Redis loses a name claim after it already heard the winner's member connect and join.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../src/core/chat/types.js';
import { clusterEngines, type ClusterEngines, type TestCluster, type TestNode } from './helpers/cluster.js';
import { Clients, from, joinAll, until } from './helpers/cluster-clients.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

const clients = new Clients();
let cluster: TestCluster | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  clients.closeAll();
  proxy?.release();
  await cluster?.close();
  cluster = undefined;
  await proxy?.close();
  proxy = undefined;
});

describe('a name claim that loses late (issue 13)', () => {
  it("the losing node shows the winner's member, in its rooms, once its own member is let go", async () => {
    cluster = await engines.start(1);
    const [winner] = cluster.nodes as [TestNode];
    // The slow node reaches Redis through a proxy that can hold what it sends.
    proxy = await startTcpProxy(cluster.redis.port);
    const slow = await cluster.add({ redis: `redis://127.0.0.1:${proxy.port}` });
    const lena = await clients.irc(slow.irc, 'lena');
    await joinAll(lena, ['#race']);
    await until(() => winner.server.chat.find('lena') !== undefined, 'lena on the winning node', lena);
    let letGo: ChatEvent | undefined;
    const stop = slow.server.chat.subscribe((event) => {
      if (event.kind === 'quit' && event.name === 'xeno' && event.origin?.node === undefined) letGo = event;
    });

    // The slow node's claim of "xeno" waits in the proxy; meanwhile the other node's xeno connects, joins and is announced.
    proxy.hold();
    slow.server.chat.connect('xeno', 'test');
    const xeno = await clients.irc(winner.irc, 'xeno');
    await joinAll(xeno, ['#race']);
    // Operations from one node arrive in order: once yuri shows on the slow node, xeno's connect and join came before.
    await clients.irc(winner.irc, 'yuri');
    await until(() => slow.server.chat.find('yuri') !== undefined, 'yuri on the slow node', lena);
    expect(slow.server.chat.find('xeno')?.node).toBeUndefined(); // still its own, claim in flight

    proxy.release();
    await until(() => letGo !== undefined, "the slow node's xeno let go", lena);
    stop();
    expect(letGo).toMatchObject({ reason: 'kicked' });
    // The winner's xeno shows there now, in #race, and what it says reaches the slow node's members.
    await until(() => slow.server.chat.find('xeno')?.node === winner.server.engines!.bus.nodeId, "the winner's xeno on the slow node", lena);
    expect(slow.server.chat.members('#race').map((m) => m.name).sort()).toEqual(['lena', 'xeno']);
    xeno.send('PRIVMSG #race :made it');
    expect((await lena.waitFor((l) => l.command === 'PRIVMSG' && from('xeno')(l))).params).toEqual(['#race', 'made it']);
  }, 60_000);
});
