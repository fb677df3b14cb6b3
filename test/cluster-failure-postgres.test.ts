// Issue 13 failure case: PostgreSQL stopped under two nodes: live chat goes on, history answers a clear error, and the outage's messages land once it is back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterEngines, type ClusterEngines, type TestCluster, type TestNode } from './helpers/cluster.js';
import { Clients, from, joinAll, until } from './helpers/cluster-clients.js';
import { plainResponse } from './helpers/irc-access.js';
import type { RawIrcClient } from './helpers/irc.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

const clients = new Clients();
let cluster: TestCluster | undefined;
afterEach(async () => {
  clients.closeAll();
  // PostgreSQL is up again for the next test even when this one failed midway.
  await engines.pg.up().catch(() => undefined);
  await cluster?.close();
  cluster = undefined;
});

const ROOM = '#ops';
/** A history read must answer, not hang: this only guards a failure. */
const ANSWER_GUARD_MS = 15_000;

interface Answer {
  readonly status: number;
  readonly body: { events?: { text?: string; id?: number }[]; error?: { code: string; message: string } };
}

/** GET a chat API path on a node (anonymous: #ops is an open room). */
async function get(node: TestNode, path: string): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${node.http}${path}`, { signal: AbortSignal.timeout(ANSWER_GUARD_MS) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const texts = (answer: Answer): string[] => (answer.body.events ?? []).flatMap((e) => (e.text === undefined ? [] : [e.text]));

/** `speaker` says each line in ROOM; `listener` (on the other node) hears them all, in order. */
async function say(speaker: RawIrcClient, nick: string, lines: readonly string[], listener: RawIrcClient): Promise<void> {
  for (const text of lines) speaker.send(`PRIVMSG ${ROOM} :${text}`);
  const heard: string[] = [];
  while (heard.length < lines.length) heard.push((await listener.waitFor((l) => l.command === 'PRIVMSG' && from(nick)(l) && l.params[0] === ROOM)).params[1] ?? '');
  expect(heard).toEqual(lines);
}

/** SASL PLAIN as `account`, then NICK/USER: the numeric that ends the sign-in (903 done, 904 refused...). */
async function saslSignIn(c: RawIrcClient, nick: string, account: string, password: string): Promise<string> {
  c.send('CAP LS 302');
  await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'LS');
  c.send('CAP REQ :sasl');
  await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'ACK');
  c.send('AUTHENTICATE PLAIN');
  await c.waitFor('AUTHENTICATE');
  c.send(`AUTHENTICATE ${plainResponse(account, password)}`);
  const end = await c.waitFor((l) => ['903', '904', '905', '906', 'FAIL'].includes(l.command), ANSWER_GUARD_MS);
  c.send(`NICK ${nick}`);
  c.send(`USER ${nick} 0 * :${nick}`);
  c.send('CAP END');
  return end.command;
}

describe('PostgreSQL unreachable (issue 13)', () => {
  it('live chat goes on, history reads answer STORE_UNAVAILABLE, sign-in works from the mirror, and the outage messages are stored once it is back', async () => {
    cluster = await engines.start(2);
    const [one, two] = cluster.nodes as [TestNode, TestNode];
    await one.server.access!.accounts.add('carol', 'carol-password-1', 'member');
    const ann = await clients.irc(one.irc, 'ann');
    const ben = await clients.irc(two.irc, 'ben');
    // The account reached node two's access mirror (change notice, or the 250 ms poll: a clock, hence the high bound).
    await until(() => two.server.access!.accounts.find('carol') !== undefined, 'the account on node two', ben, 50_000);
    for (const c of [ann, ben]) await joinAll(c, [ROOM]);
    await until(() => one.server.chat.members(ROOM).some((m) => m.name === 'ben'), 'ben in the room on node one', ann);
    await say(ann, 'ann', ['before 1', 'before 2'], ben);
    // Stored and readable before the outage (each read waits for its node's writes).
    const before = await get(one, '/api/rooms/ops/history');
    expect(before.status).toBe(200);
    expect(texts(before)).toEqual(['before 1', 'before 2']);

    await engines.pg.down();

    // Live chat goes on, across nodes and directly (the bus does not need PostgreSQL).
    const during = ['during 1', 'during 2', 'during 3'];
    await say(ann, 'ann', during, ben);
    ben.send('PRIVMSG ann :still with you');
    expect((await ann.waitFor((l) => l.command === 'PRIVMSG' && from('ben')(l))).params).toEqual(['ann', 'still with you']);
    // A member joining now gets in (its replay is skipped) and hears what follows.
    const cid = await clients.irc(two.irc, 'cid');
    await joinAll(cid, [ROOM]);
    await say(ann, 'ann', ['during 4'], cid);

    // History reads answer a clear error, from both nodes and both doors, instead of hanging.
    for (const node of [one, two]) {
      for (const path of ['/api/rooms/ops/history', '/api/search?q=during']) {
        const answer = await get(node, path);
        expect({ path, status: answer.status, code: answer.body.error?.code }).toEqual({ path, status: 503, code: 'STORE_UNAVAILABLE' });
      }
    }
    ann.send(`CHATHISTORY LATEST ${ROOM} * 10`);
    const fail = await ann.waitFor('FAIL', ANSWER_GUARD_MS);
    expect(fail.params).toEqual(['CHATHISTORY', 'MESSAGE_ERROR', 'LATEST', ROOM, 'History is unavailable']);
    // /healthz names the store.
    const health = await fetch(`http://127.0.0.1:${one.http}/healthz`, { signal: AbortSignal.timeout(ANSWER_GUARD_MS) });
    const healthBody = (await health.json()) as { down?: string[] };
    expect({ status: health.status, down: healthBody.down }).toEqual({ status: 503, down: ['postgres'] });

    // Signing in with a password is checked against the access store's in-memory mirror: it still works.
    const carol = await clients.raw(two.irc);
    expect(await saslSignIn(carol, 'carol', 'carol', 'carol-password-1')).toBe('903');
    await carol.waitFor('001');
    expect(two.server.chat.find('carol')?.account).toBe('carol');
    // A wrong password is still refused.
    const mallory = await clients.raw(two.irc);
    expect(await saslSignIn(mallory, 'mallory', 'carol', 'wrong-password-1')).toBe('904');

    await engines.pg.up();

    // Reads work again by themselves (bounded tries: the pools reconnect on their next query), and the
    // messages said during the outage are there, once each, in order, from both nodes.
    const want = ['before 1', 'before 2', ...during, 'during 4'];
    // Node one (which wrote them) first: a read waits for its own node's queued writes only.
    for (const node of [one, two]) {
      let answer = await get(node, '/api/rooms/ops/history');
      for (let i = 0; i < 50 && answer.status !== 200; i++) {
        await ann.sync();
        answer = await get(node, '/api/rooms/ops/history');
      }
      expect(answer.status).toBe(200);
      expect(texts(answer)).toEqual(want);
      const found = await get(node, '/api/search?q=during');
      expect(found.status).toBe(200);
      expect(texts(found).sort()).toEqual([...during, 'during 4'].sort());
    }
    // IRC's CHATHISTORY too (without server-time, each replayed line starts with its [date UTC]).
    ann.send(`CHATHISTORY LATEST ${ROOM} * 10`);
    const replayed = (await ann.sync()).filter((l) => l.command === 'PRIVMSG' && l.params[0] === ROOM).map((l) => (l.params[1] ?? '').replace(/^\[[^\]]*\] /u, ''));
    expect(replayed).toEqual(want);
  }, 120_000);
});
