// Issue 13 failure case: Redis killed while two nodes' members chat, then started again empty on the same port.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UNDELIVERED_NOTICE } from '../src/engine/cluster/cluster.js';
import { clusterEngines, type ClusterEngines, type TestCluster, type TestNode } from './helpers/cluster.js';
import { Clients, from, joinAll, until } from './helpers/cluster-clients.js';
import type { Line, RawIrcClient } from './helpers/irc.js';
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
  await cluster?.close();
  cluster = undefined;
  await proxy?.close();
  proxy = undefined;
});

const ROOM = '#load';
const BATCH = 20;

/** `speaker` says `count` numbered lines in ROOM; every listener hears all of them, in order. */
async function exchange(speaker: RawIrcClient, nick: string, tag: string, listeners: readonly RawIrcClient[]): Promise<void> {
  const sent = Array.from({ length: BATCH }, (_, i) => `${tag} ${i}`);
  for (const text of sent) speaker.send(`PRIVMSG ${ROOM} :${text}`);
  for (const listener of listeners) {
    const heard: string[] = [];
    while (heard.length < sent.length) {
      const line = await listener.waitFor((l) => l.command === 'PRIVMSG' && from(nick)(l) && l.params[0] === ROOM);
      heard.push(line.params[1] ?? '');
    }
    expect(heard).toEqual(sent);
  }
}

/** GET /healthz on a node: its status code and body (it must answer, not hang). */
async function health(node: TestNode): Promise<{ status: number; body: { status?: string; down?: string[]; engines?: unknown } }> {
  const response = await fetch(`http://127.0.0.1:${node.http}/healthz`);
  return { status: response.status, body: (await response.json()) as { status?: string; down?: string[] } };
}

/** Resolves when `node`'s bus reports `up` (at once if it does already); the guard only catches a failure. */
async function busIs(node: TestNode, up: boolean, guardMs = 30_000): Promise<void> {
  const bus = node.server.engines!.bus;
  if (bus.health().up === up) return;
  let stop = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      stop = bus.onStatus((now) => {
        if (now === up) resolve();
      });
      timer = setTimeout(() => reject(new Error(`the bus never reported ${up ? 'up' : 'down'}`)), guardMs);
    });
  } finally {
    stop();
    clearTimeout(timer);
  }
}

const isNotice = (l: Line): boolean => l.command === 'NOTICE' && (l.params.at(-1) ?? '').includes(UNDELIVERED_NOTICE);

describe('Redis restarted under load (issue 13)', () => {
  it('no node crashes, each node keeps chatting inside, speakers are told, and after the restart both nodes know each other again', async () => {
    cluster = await engines.start(1);
    // Node two reaches Redis through a proxy the test holds shut, so node one is surely back first.
    proxy = await startTcpProxy(cluster.redis.port);
    const [one] = cluster.nodes as [TestNode];
    const two = await cluster.add({ redis: `redis://127.0.0.1:${proxy.port}` });
    const ann = await clients.irc(one.irc, 'ann');
    const amy = await clients.irc(one.irc, 'amy');
    const ben = await clients.irc(two.irc, 'ben');
    const bea = await clients.irc(two.irc, 'bea');
    for (const c of [ann, amy, ben, bea]) await joinAll(c, [ROOM]);
    const all = ['ann', 'amy', 'ben', 'bea'];
    for (const node of [one, two]) {
      for (const name of all) await until(() => node.server.chat.members(ROOM).some((m) => m.name === name), `${name} in ${ROOM}`, ann);
    }
    await exchange(ann, 'ann', 'before', [amy, ben, bea]);

    // Redis dies while a batch is on its way: the speaker's own node hears all of it, the other node an
    // unbroken start of it (in order, nothing twice), never a gap.
    const racing = Array.from({ length: BATCH }, (_, i) => `racing ${i}`);
    for (const text of racing) ann.send(`PRIVMSG ${ROOM} :${text}`);
    proxy.block();
    cluster.redis.kill();
    const near: string[] = [];
    while (near.length < racing.length) near.push((await amy.waitFor((l) => l.command === 'PRIVMSG' && from('ann')(l))).params[1] ?? '');
    expect(near).toEqual(racing);
    for (const node of [one, two]) await busIs(node, false);
    // Node two saw its connection end after the last message Redis relayed: all it will get is here.
    const crossed = (await ben.sync()).filter((l) => l.command === 'PRIVMSG' && from('ann')(l)).map((l) => l.params[1]);
    expect(crossed).toEqual(racing.slice(0, crossed.length));

    // While Redis is down: each node's members keep talking among themselves.
    await exchange(ann, 'ann', 'during-one', [amy]);
    await exchange(ben, 'ben', 'during-two', [bea]);
    // The speakers were told, once, that members on other nodes could not be reached.
    for (const speaker of [ann, ben]) {
      const notices = (await speaker.sync()).filter(isNotice);
      expect(notices).toHaveLength(1);
    }
    // A direct message to a member of the other node: its sender is told too.
    amy.send('PRIVMSG bea :are you there?');
    expect((await amy.waitFor(isNotice)).command).toBe('NOTICE');
    // No node crashed: both still answer on HTTP, and /healthz shows the outage.
    for (const node of [one, two]) {
      const { status, body } = await health(node);
      expect({ status, state: body.status, down: body.down }).toEqual({ status: 503, state: 'unavailable', down: ['redis'] });
    }
    // Nothing of the other node's chat crossed.
    expect((await ben.sync()).filter((l) => l.command === 'PRIVMSG' && from('ann')(l))).toEqual([]);

    await cluster.redis.restart();
    await busIs(one, true);
    // Node one read the presence (its own read is queued behind the cluster's on the same connection).
    await one.server.engines!.bus.presences();
    // Node two has not written its presence again yet: node one must not take its members for gone.
    expect((await ann.sync()).filter((l) => l.command === 'QUIT')).toEqual([]);
    expect(one.server.chat.members(ROOM).map((m) => m.name).sort()).toEqual(['amy', 'ann', 'bea', 'ben']);
    proxy.open();
    await busIs(two, true);
    // Both nodes know every member of the other again, in the room (presence rewritten, reconciled).
    for (const node of [one, two]) {
      for (const name of all) await until(() => node.server.chat.members(ROOM).some((m) => m.name === name), `${name} in ${ROOM} after the restart`, ann);
    }
    // Cross-node delivery resumes, both ways.
    await exchange(ann, 'ann', 'after-one', [amy, ben, bea]);
    await exchange(bea, 'bea', 'after-two', [ann, amy, ben]);
    for (const node of [one, two]) expect((await health(node)).status).toBe(200);
    // Nobody was disconnected, and nobody saw a member of the other node leave (and come back) meanwhile.
    expect([ann, amy, ben, bea].map((c) => c.closed)).toEqual([false, false, false, false]);
    for (const c of [ann, amy, ben, bea]) expect(c.all.filter((raw) => / (QUIT|PART) /u.test(raw))).toEqual([]);
  }, 120_000);
});
