// The rooms contract's server as two nodes of one cluster (one PostgreSQL, one Redis): clients alternate between the nodes.
import { afterAll, beforeAll } from 'vitest';
import type { Chat } from '../../src/core/chat/chat.js';
import { clusterEngines, type ClusterEngines, type TestNode } from '../helpers/cluster.js';
import { openRoomsClient, type RoomsServer } from './rooms-server.js';
import type { RoomsClient } from './rooms-types.js';

/** How long another node may take to show a member as its own node does (bus latency on a loaded machine is far less). */
const AGREE_MS = 10_000;

/** What a chat knows of `name`: absent, or its spelling and rooms. */
function viewOf(chat: Chat, name: string): string {
  const m = chat.find(name);
  if (m === undefined) return 'absent';
  return `${m.name} in [${chat.roomsOf(m).map((r) => r.toLowerCase()).sort().join(' ')}]`;
}

/** Resolve once `check()` holds, re-checked on every event of `chat` and on a short poll (events of members in no room). */
async function until(chat: Chat, check: () => boolean, what: string): Promise<void> {
  if (check()) return;
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      if (!check()) return;
      stop();
      resolve();
    };
    const unsubscribe = chat.subscribe(done);
    const offConnect = chat.onConnect(done);
    const poll = setInterval(done, 10);
    const deadline = setTimeout(() => {
      stop();
      reject(new Error(`another node never agreed: ${what}`));
    }, AGREE_MS);
    const stop = (): void => {
      unsubscribe();
      offConnect();
      clearInterval(poll);
      clearTimeout(deadline);
    };
  });
}

/**
 * Wraps a client of `home` so that connect, join, part and quit resolve once every node shows the
 * member as `home` does. The contract's cases then hold across nodes without racing the bus: a DM
 * to a member of the other node, or a name taken there, find the member already known.
 */
function agreeing(inner: RoomsClient, home: TestNode, nodes: readonly TestNode[]): RoomsClient {
  const settle = async (name: string): Promise<void> => {
    const want = viewOf(home.server.chat, name);
    for (const node of nodes) {
      if (node === home) continue;
      await until(node.server.chat, () => viewOf(node.server.chat, name) === want, `${inner.door} ${name}: ${want}`);
    }
  };
  return {
    get door() {
      return inner.door;
    },
    get name() {
      return inner.name;
    },
    async connect(name) {
      const result = await inner.connect(name);
      if (result.ok) await settle(inner.name);
      return result;
    },
    async join(room) {
      await inner.join(room);
      await settle(inner.name);
    },
    async part(room) {
      await inner.part(room);
      await settle(inner.name);
    },
    async quit() {
      const name = inner.name;
      await inner.quit();
      await settle(name);
    },
    say: (room, text) => inner.say(room, text),
    dm: (to, text) => inner.dm(to, text),
    waitFor: (match) => inner.waitFor(match),
    seen: () => inner.seen(),
    waitForError: () => inner.waitForError(),
    errors: () => inner.errors(),
    history: (room) => inner.history(room),
    close: () => inner.close(),
  };
}

/**
 * Registers hooks for one PostgreSQL per test file; the returned start() makes two nodes on a fresh
 * database and Redis. The first client of a case goes to node one, the second to node two, and so
 * on: the two sides of each pair are on different nodes. `chat` and `announce` are node one's.
 */
export function twoNodeRoomsServers(): () => Promise<RoomsServer> {
  let engines: ClusterEngines | undefined;
  beforeAll(async () => {
    engines = await clusterEngines();
  }, 60_000);
  afterAll(async () => {
    await engines?.stop();
  });
  return async () => {
    if (engines === undefined) throw new Error('the cluster engines are not started');
    const cluster = await engines.start(2, { leaveGrace: '0' });
    const nodes = cluster.nodes;
    const [one] = nodes as [TestNode];
    const clients: RoomsClient[] = [];
    return {
      chat: one.server.chat,
      async client(door) {
        const home = nodes[clients.length % nodes.length] as TestNode;
        const c = agreeing(await openRoomsClient(door, { irc: home.irc, http: home.http, udp: home.seed }), home, nodes);
        clients.push(c);
        return c;
      },
      announce: (text) => one.server.announce(text),
      async close() {
        await cluster.close();
        clients.forEach((c) => c.close());
      },
    };
  };
}
