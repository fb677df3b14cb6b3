// Issue 13 failure case: a node killed (SIGKILL) while its members are in rooms with members of two other nodes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterEngines, type ClusterEngines, type TestCluster } from './helpers/cluster.js';
import { Clients, from, joinAll, query, until, waitEach } from './helpers/cluster-clients.js';
import { startNodeProcess, type NodeProcess } from './helpers/node-process.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

const clients = new Clients();
let victim: NodeProcess | undefined;
let cluster: TestCluster | undefined;
afterEach(async () => {
  clients.closeAll();
  await victim?.stop();
  victim = undefined;
  await cluster?.close();
  cluster = undefined;
});

const ROOMS = ['#lobby', '#second'];
/** The presence TTL is 10 s: the QUITs must come within it plus a heartbeat, well before this guard. */
const QUIT_GUARD_MS = 20_000;

describe('a node killed with SIGKILL (issue 13)', () => {
  it('its members quit everywhere within the TTL, their names free up, the others lose nothing, and each leave is stored once', async () => {
    cluster = await engines.start(2);
    const [one, two] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    victim = await startNodeProcess({ database: cluster.database, redis: cluster.redis.url, dir: cluster.dir });

    const alice = await clients.irc(one.irc, 'alice');
    const bob = await clients.irc(two.irc, 'bob');
    const vera = await clients.irc(victim.irc, 'vera');
    const vince = await clients.irc(victim.irc, 'vince');
    for (const c of [alice, bob, vera, vince]) await joinAll(c, ROOMS);
    // Both survivors show the victim's members in both rooms (they arrived over the bus).
    for (const node of [one, two]) {
      for (const name of ['alice', 'bob', 'vera', 'vince']) {
        await until(() => node.server.chat.members('#second').some((m) => m.name === name), `${name} in #second on a survivor`, alice);
      }
    }
    // What the victim stored (its joins) is in the database before it dies.
    const stored = async (): Promise<number> =>
      Number((await query<{ n: string }>(cluster!.database, "SELECT count(*) AS n FROM history_events WHERE kind = 'join' AND name IN ('vera', 'vince')"))[0]?.n);
    for (let i = 0; i < 200 && (await stored()) < 4; i++) await alice.sync();
    expect(await stored()).toBe(4);

    await victim.kill();

    // Each survivor's clients see one QUIT per victim member, and nothing about each other.
    const quits = [from('vera'), from('vince')].map((who) => (l: Parameters<typeof who>[0]) => l.command === 'QUIT' && who(l));
    for (const c of [alice, bob]) {
      const lines = await waitEach(c, quits, QUIT_GUARD_MS);
      expect(lines.map((l) => l.source?.split('!')[0])).toEqual(['vera', 'vince']);
    }
    for (const node of [one, two]) {
      expect(node.server.chat.find('vera')).toBeUndefined();
      expect(node.server.chat.find('vince')).toBeUndefined();
    }

    // The survivors keep talking, in both rooms and directly; neither was disconnected.
    alice.send('PRIVMSG #second :still here');
    expect((await bob.waitFor((l) => l.command === 'PRIVMSG' && from('alice')(l))).params).toEqual(['#second', 'still here']);
    bob.send('PRIVMSG alice :me too');
    expect((await alice.waitFor((l) => l.command === 'PRIVMSG' && from('bob')(l))).params).toEqual(['alice', 'me too']);
    const aliceSaw = await alice.sync();
    const bobSaw = await bob.sync();
    expect([...aliceSaw, ...bobSaw].filter((l) => l.command === 'QUIT' || l.command === 'ERROR')).toEqual([]);
    expect(alice.closed || bob.closed).toBe(false);

    // The victim's names are free: a client on a survivor takes one, and the other survivor sees it there.
    const vera2 = await clients.irc(two.irc, 'vera');
    await joinAll(vera2, ['#second']);
    await waitEach(alice, [(l) => l.command === 'JOIN' && from('vera')(l)], QUIT_GUARD_MS);
    expect(one.server.chat.find('vera')?.node).toBe(two.server.engines!.bus.nodeId);

    // The leaves are stored once (by the node that won the reap), one row per room, not one per survivor.
    // A read on each survivor waits for that survivor's queued writes.
    for (const node of [one, two]) await node.server.engines!.history.recent({ room: '#second' }, 50);
    const leaves = await query<{ name: string; room: string; reason: string; n: string }>(
      cluster.database,
      "SELECT name, room, reason, count(*) AS n FROM history_events WHERE kind = 'leave' AND name IN ('vera', 'vince') GROUP BY name, room, reason ORDER BY name, room",
    );
    expect(leaves.map((r) => [r.name, r.room, r.reason, Number(r.n)])).toEqual([
      ['vera', '#lobby', 'timeout', 1],
      ['vera', '#second', 'timeout', 1],
      ['vince', '#lobby', 'timeout', 1],
      ['vince', '#second', 'timeout', 1],
    ]);
    // Both survivors read the same history of #second: the two leaves once each.
    for (const node of [one, two]) {
      const events = await node.server.engines!.history.recent({ room: '#second' }, 50);
      expect(events.filter((e) => e.kind === 'leave').map((e) => e.name).sort()).toEqual(['vera', 'vince']);
    }
  }, 90_000);
});

describe('a node stopped cleanly (SIGTERM) (issue 13)', () => {
  it('says goodbye: its members quit everywhere as a shutdown, not a timeout, and each leave is stored once', async () => {
    cluster = await engines.start(2);
    const [one, two] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    victim = await startNodeProcess({ database: cluster.database, redis: cluster.redis.url, dir: cluster.dir });
    const alice = await clients.irc(one.irc, 'alice');
    const bob = await clients.irc(two.irc, 'bob');
    const vera = await clients.irc(victim.irc, 'vera');
    for (const c of [alice, bob, vera]) await joinAll(c, ['#second']);
    for (const node of [one, two]) await until(() => node.server.chat.members('#second').some((m) => m.name === 'vera'), 'vera on a survivor', alice);

    await victim.stop();
    victim = undefined;
    // The goodbye makes the leave a shutdown (a lost heartbeat would say timeout).
    for (const c of [alice, bob]) await waitEach(c, [(l) => l.command === 'QUIT' && from('vera')(l)], QUIT_GUARD_MS);
    for (const node of [one, two]) expect(node.server.chat.find('vera')).toBeUndefined();
    for (const node of [one, two]) await node.server.engines!.history.recent({ room: '#second' }, 50);
    const leaves = await query<{ reason: string }>(cluster.database, "SELECT reason FROM history_events WHERE kind = 'leave' AND name = 'vera'");
    expect(leaves.map((r) => r.reason)).toEqual(['shutdown']);
  }, 90_000);
});
