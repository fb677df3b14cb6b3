// Several nodes as one server, seen from IRC clients on different nodes: one name space, rooms, messages, DMs, leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterEngines, type ClusterEngines } from './helpers/cluster.js';
import { RawIrcClient } from './helpers/irc.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

const clients: RawIrcClient[] = [];
async function client(port: number, nick: string): Promise<RawIrcClient> {
  const c = await RawIrcClient.open(port);
  clients.push(c);
  c.autoPong = true;
  await c.register(nick);
  return c;
}

/** Wait until `node`'s chat shows `name` (a member of another node arrives through the bus). */
async function until(check: () => boolean, what: string, c: RawIrcClient): Promise<void> {
  // Each PING round trip lets the event loop run the bus; bounded in count, not in time.
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await c.sync();
  }
  throw new Error(`never saw: ${what}`);
}

describe('two nodes on one Redis and one PostgreSQL', () => {
  it('share one name space, rooms, messages in order, direct messages and leaves', async () => {
    const cluster = await engines.start(2);
    try {
      const [one, two] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      const alice = await client(one.irc, 'alice');
      const bob = await client(two.irc, 'bob');
      await until(() => two.server.chat.find('alice') !== undefined, 'alice on node two', bob);

      // The name is taken server-wide: node two refuses it.
      const copy = await RawIrcClient.open(two.irc);
      clients.push(copy);
      copy.send('NICK ALICE');
      copy.send('USER x 0 * :x');
      const refused = await copy.waitFor('433');
      expect(refused.params[1]).toBe('ALICE');

      alice.send('JOIN #cross');
      await alice.waitFor('366');
      await until(() => two.server.chat.members('#cross').some((m) => m.name === 'alice'), 'alice in #cross on node two', bob);
      bob.send('JOIN #cross');
      const names = await bob.waitFor('353');
      expect(names.params.at(-1)?.split(' ').map((n) => n.replace(/^[@+]/u, ''))).toEqual(expect.arrayContaining(['alice', 'bob']));
      await alice.waitFor((l) => l.command === 'JOIN' && l.source?.startsWith('bob!') === true);
      // Bob's join replay (history read from PostgreSQL) is over before the live lines start.
      await bob.sync();

      for (let i = 0; i < 50; i++) alice.send(`PRIVMSG #cross :line ${i}`);
      const heard: string[] = [];
      while (heard.length < 50) {
        const line = await bob.waitFor('PRIVMSG');
        heard.push(line.params[1] ?? '');
      }
      expect(heard.join(",")).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}`).join(","));

      bob.send('PRIVMSG alice :psst');
      const dm = await alice.waitFor('PRIVMSG');
      expect(dm.source?.startsWith('bob!')).toBe(true);
      expect(dm.params).toEqual(['alice', 'psst']);

      bob.send('QUIT :bye');
      const quit = await alice.waitFor('QUIT');
      expect(quit.source?.startsWith('bob!')).toBe(true);
      await until(() => one.server.chat.find('bob') === undefined, 'bob gone from node one', alice);
    } finally {
      await cluster.close();
    }
  }, 60_000);
});
