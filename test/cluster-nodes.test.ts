// Three nodes as one server: 1,000 racing name claims, DMs in order per sender, a ban on one node applied on all, history and search alike everywhere.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/core/access/roles.js';
import type { ChatEvent } from '../src/core/chat/types.js';
import { clusterEngines, type ClusterEngines, type TestCluster, type TestNode } from './helpers/cluster.js';
import { Clients, from, joinAll, until } from './helpers/cluster-clients.js';
import type { RawIrcClient } from './helpers/irc.js';

let engines: ClusterEngines;
let cluster: TestCluster;
let nodes: [TestNode, TestNode, TestNode];
beforeAll(async () => {
  engines = await clusterEngines();
  cluster = await engines.start(3);
  nodes = cluster.nodes as [TestNode, TestNode, TestNode];
}, 90_000);
afterAll(async () => {
  await engines?.stop();
});

const clients = new Clients();
afterEach(() => {
  clients.closeAll();
});

const nodeIdOf = (node: TestNode): string => node.server.engines!.bus.nodeId;

/** Every node shows `name` (locally or as another node's member). */
const everywhere = (name: string): boolean => nodes.every((n) => n.server.chat.find(name) !== undefined);

describe('three nodes on one Redis and one PostgreSQL (issue 13)', () => {
  it('1,000 names claimed on all three nodes at once: exactly one member each survives, and every node agrees which', async () => {
    const ticker = await clients.irc(nodes[0].irc, 'ticker');
    const names = Array.from({ length: 1000 }, (_, i) => `racer${i}`);
    // Members let go because another node's claim won (local members only: a ghost's quit is the other node's).
    let lost = 0;
    const stops = nodes.map((node) =>
      node.server.chat.subscribe((event: ChatEvent) => {
        if (event.kind === 'quit' && event.reason === 'kicked' && event.origin?.node === undefined && event.name.startsWith('racer')) lost++;
      }),
    );
    try {
      // One synchronous loop: no node hears of the others' members before every claim is made.
      for (const name of names) for (const node of nodes) node.server.chat.connect(name, 'test');
      await until(() => lost >= 2 * names.length, `${2 * names.length} claims lost`, ticker, 10_000);
      await until(() => names.every(everywhere), 'every name shown on every node', ticker, 10_000);
      expect(lost).toBe(2 * names.length);

      const ids = nodes.map(nodeIdOf);
      const wrong: string[] = [];
      for (const name of names) {
        const views = nodes.map((n) => n.server.chat.find(name));
        const holders = views.flatMap((member, i) => (member !== undefined && member.node === undefined ? [i] : []));
        if (holders.length !== 1) {
          wrong.push(`${name}: held on ${holders.length} nodes`);
          continue;
        }
        const holder = ids[holders[0]!];
        views.forEach((member, i) => {
          if (i !== holders[0] && member?.node !== holder) wrong.push(`${name}: node ${i + 1} shows it on ${member?.node ?? 'no node'}`);
        });
      }
      expect(wrong.slice(0, 10)).toEqual([]);
    } finally {
      for (const stop of stops) stop();
      // Let the winners go, so the next cases start with an empty server.
      for (const node of nodes) for (const member of node.server.chat.online().filter((m) => m.node === undefined && m.name.startsWith('racer'))) node.server.chat.disconnect(member);
      await until(() => nodes.every((n) => !n.server.chat.online().some((m) => m.name.startsWith('racer'))), 'the racers gone', ticker, 5_000);
    }
  }, 120_000);

  it('direct messages from two nodes to a third arrive in order per sender', async () => {
    const sue = await clients.irc(nodes[0].irc, 'sue');
    const sam = await clients.irc(nodes[1].irc, 'sam');
    const rex = await clients.irc(nodes[2].irc, 'rex');
    await until(() => nodes[0].server.chat.find('rex') !== undefined && nodes[1].server.chat.find('rex') !== undefined, 'rex on nodes one and two', sue);
    const COUNT = 100;
    for (let i = 0; i < COUNT; i++) {
      sue.send(`PRIVMSG rex :sue ${i}`);
      sam.send(`PRIVMSG rex :sam ${i}`);
    }
    const bySender = new Map<string, string[]>([
      ['sue', []],
      ['sam', []],
    ]);
    for (let got = 0; got < 2 * COUNT; got++) {
      const line = await rex.waitFor((l) => l.command === 'PRIVMSG' && l.params[0] === 'rex');
      bySender.get(line.source?.split('!')[0] ?? '')?.push(line.params[1] ?? '');
    }
    for (const nick of ['sue', 'sam']) expect(bySender.get(nick)).toEqual(Array.from({ length: COUNT }, (_, i) => `${nick} ${i}`));
    // Nothing else for rex (no copy of any message).
    expect((await rex.sync()).filter((l) => l.command === 'PRIVMSG')).toEqual([]);
  }, 60_000);

  it('a ban made on node one removes the member from node two and is refused on node three', async () => {
    const troll = await clients.irc(nodes[1].irc, 'troll');
    const watcher = await clients.irc(nodes[2].irc, 'watcher');
    await joinAll(troll, ['#watch']);
    await joinAll(watcher, ['#watch']);
    await until(() => nodes[0].server.chat.find('troll') !== undefined, 'troll on node one', watcher);
    nodes[0].server.moderation!.restrict({ actor: SYSTEM }, { type: 'ban', kind: 'name', value: 'troll', reason: 'spam' });
    // Node two hears of the ban through the shared store (change notice, or its 250 ms poll) and lets its member go.
    const error = await troll.waitFor('ERROR', 20_000);
    expect(error.params.at(-1)).toMatch(/banned/u);
    const quit = await watcher.waitFor((l) => l.command === 'QUIT' && from('troll')(l), 20_000);
    expect(quit.params.at(-1)).toMatch(/banned/u);
    await until(() => nodes.every((n) => n.server.chat.find('troll') === undefined), 'troll gone everywhere', watcher);
    // Node three refuses the name at registration, once the ban reached its copy of the store.
    await until(() => nodes[2].server.access!.restrictions.list({ type: 'ban' }).some((r) => r.value === 'troll'), 'the ban on node three', watcher);
    const again = await clients.raw(nodes[2].irc);
    again.send('NICK troll');
    again.send('USER troll 0 * :troll');
    expect((await again.waitFor((l) => l.command === '465' || l.command === '001', 20_000)).command).toBe('465');
    // The leave is stored once (by node two, whose member it was), not by every node that showed it.
    for (const node of nodes) await node.server.engines!.history.recent({ room: '#watch' }, 10);
    const rows = await nodes[2].server.engines!.history.recent({ room: '#watch' }, 50);
    expect(rows.filter((e) => e.kind === 'leave' && e.name === 'troll').map((e) => e.reason)).toEqual(['banned']);
  }, 60_000);

  it('history and search read the same from every node (same ids, same texts)', async () => {
    const speakers = await Promise.all(nodes.map((node, i) => clients.irc(node.irc, `scribe${i + 1}`)));
    for (const c of speakers) await joinAll(c, ['#annals']);
    const [first] = speakers as [RawIrcClient, RawIrcClient, RawIrcClient];
    await until(() => nodes.every((n) => n.server.chat.members('#annals').length === 3), 'the scribes everywhere', first);
    for (let round = 0; round < 10; round++) {
      for (const [i, c] of speakers.entries()) c.send(`PRIVMSG #annals :chronicle ${round} by scribe${i + 1}`);
    }
    // Everyone heard everything (20 lines from the other two each), so every node has sent its rows on.
    for (const c of speakers) {
      for (let got = 0; got < 20; got++) await c.waitFor((l) => l.command === 'PRIVMSG' && l.params[0] === '#annals');
    }
    // Each read waits for its own node's writes: after one read per node, every row is in.
    for (const node of nodes) await node.server.engines!.history.recent({ room: '#annals' }, 1);
    const views = await Promise.all(
      nodes.map(async (node) => {
        const store = node.server.engines!.history;
        const recent = (await store.recent({ room: '#annals' }, 100)).filter((e) => e.kind === 'message').map((e) => [e.id, e.name, e.text]);
        const found = (await store.search('chronicle', { rooms: ['#annals'] }, 100)).map((e) => [e.id, e.text]);
        return { recent, found };
      }),
    );
    expect(views[0]!.recent).toHaveLength(30);
    expect(views[0]!.found).toHaveLength(30);
    // Each speaker's lines in the order said.
    for (let i = 1; i <= 3; i++) {
      const own = views[0]!.recent.filter((r) => r[1] === `scribe${i}`).map((r) => r[2]);
      expect(own).toEqual(Array.from({ length: 10 }, (_, round) => `chronicle ${round} by scribe${i}`));
    }
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    // The HTTP chat API of each node answers alike too.
    const api = await Promise.all(nodes.map(async (node) => ((await (await fetch(`http://127.0.0.1:${node.http}/api/rooms/annals/history?limit=100`)).json()) as { events: unknown[] }).events));
    expect(api[1]).toEqual(api[0]);
    expect(api[2]).toEqual(api[0]);
  }, 60_000);
});
