// WsChatClient against a real server: enter, refusals, events, who, leave; reconnect with the resume token.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chatUrl } from '../src/client/http.js';
import { WsChatClient, WsChatError, type WsChatClientOptions } from '../src/client/ws.js';
import type { WireEvent } from '../src/doors/ws/messages.js';
import { Inbox } from './contract/inbox.js';
import { Proxy, WAIT_MS, deadPort, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
let proxy: Proxy | undefined;
const clients: WsChatClient[] = [];

beforeEach(async () => {
  rig = await startNetroom();
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await proxy?.close();
  proxy = undefined;
  await rig.close();
});

function client(base = rig.base, options: Partial<WsChatClientOptions> = {}): WsChatClient {
  const c = new WsChatClient({ url: chatUrl(base), initialDelayMs: 20, ...options });
  clients.push(c);
  return c;
}

/** The next `name` event of an emitter, or a failure after WAIT_MS. */
function next<T extends unknown[]>(emitter: WsChatClient, name: 'event' | 'refused' | 'reconnecting' | 'reconnected' | 'lost'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event`)), WAIT_MS);
    emitter.once(name, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

/** Collects a client's events so a test can await a given notice in order. */
function inbox(c: WsChatClient): { wait: (notice: string) => Promise<WireEvent>; seen: readonly WireEvent[] } {
  const box = new Inbox<WireEvent>('client');
  c.on('event', (e) => box.push(e));
  return { seen: box.all(), wait: (notice) => box.waitFor((e) => e.notice === notice, WAIT_MS) };
}

describe('WsChatClient', () => {
  it('enters, is refused with the server reason, hears events, asks who, leaves', async () => {
    const bob = client();
    const hello = await bob.connect();
    expect(hello).toMatchObject({ type: 'hello', server: 'netroom', lang: 'en' });
    const welcome = await bob.enter('bob');
    expect(welcome).toMatchObject({ name: 'bob', members: ['bob'] });
    expect(welcome.resume).not.toBe('');
    const bobHears = inbox(bob);

    const alice = client();
    await alice.connect();
    for (const [name, code] of [['BOB', 'NAME_TAKEN'], ['admin', 'RESERVED_NAME'], ['a b', 'BAD_NAME']] as const) {
      const err = await alice.enter(name).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WsChatError);
      expect(err).toMatchObject({ kind: 'refused', code });
    }
    const entered = await alice.enter('alice');
    expect(entered.members).toEqual(['bob', 'alice']);
    expect(entered.history.map((e) => e.notice)).toEqual(['bob joined the room', 'alice joined the room']);
    await bobHears.wait('alice joined the room');

    alice.say('hello  bob');
    const said = await bobHears.wait('alice: hello  bob');
    expect(said).toMatchObject({ kind: 'message', name: 'alice', text: 'hello  bob' });
    expect(await alice.who()).toEqual(['bob', 'alice']);

    alice.say(''); // refused later, as an event of its own
    const [refused] = await next<[{ code: string; about?: string }]>(alice, 'refused');
    expect(refused).toMatchObject({ code: 'EMPTY_MESSAGE', about: 'say' });

    await alice.leave();
    await bobHears.wait('alice left the room');
    expect(alice.memberName).toBe('');
    expect(() => alice.say('after')).toThrow(/not in the room/u);
    rig.chat.announce('maintenance at noon');
    expect(await bobHears.wait('[admin] maintenance at noon')).toMatchObject({ kind: 'announce' });
  });

  it('after a dropped connection, reconnects and takes its name back with the resume token', async () => {
    proxy = await Proxy.start(rig.port);
    const bob = client();
    await bob.connect();
    await bob.enter('bob');
    const bobHears = inbox(bob);
    const alice = client(proxy.base);
    await alice.connect();
    const first = await alice.enter('alice');
    await bobHears.wait('alice joined the room');

    // The client side goes; the server still holds alice's old connection, which looks alive.
    proxy.hold();
    const reconnecting = next<[{ attempt: number }]>(alice, 'reconnecting');
    proxy.cutClients();
    expect((await reconnecting)[0].attempt).toBe(1);
    await proxy.waitAccepted(2); // the new attempt is waiting at the proxy
    bob.say('said while alice was away');
    await bob.who(); // answered after the say on the same connection: the message is in the history now
    const back = next<[{ name: string; resume: string }, WireEvent[]]>(alice, 'reconnected');
    proxy.release();
    const [welcome, missed] = await back;
    expect(welcome.name).toBe('alice');
    expect(welcome.resume).not.toBe(first.resume);
    expect(missed.map((e) => e.notice)).toEqual(['bob: said while alice was away']);
    expect(alice.inRoom).toBe(true);

    alice.say('back again');
    await bobHears.wait('alice: back again');
    // Nobody saw alice leave or join again: the member moved to the new connection.
    expect(bobHears.seen.map((e) => e.notice)).toEqual(['alice joined the room', 'alice: back again']);
  });

  it('does not fight over its name when another connection resumes it (close 4000)', async () => {
    const alice = client();
    await alice.connect();
    const welcome = await alice.enter('alice');
    const lost = next<[WsChatError]>(alice, 'lost');
    const other = new WebSocket(chatUrl(rig.base));
    other.on('open', () => other.send(JSON.stringify({ type: 'enter', name: 'alice', resume: welcome.resume })));
    try {
      const [err] = await lost;
      expect(err).toMatchObject({ kind: 'refused', code: 'TAKEN_OVER' });
      expect(alice.inRoom).toBe(false);
      expect(rig.chat.online().map((m) => [m.name, m.door])).toEqual([['alice', 'ws']]);
    } finally {
      other.terminate();
    }
  });

  it('gives up after its reconnect attempts when the server is gone', async () => {
    proxy = await Proxy.start(rig.port);
    const alice = client(proxy.base, { maxAttempts: 2, initialDelayMs: 5 });
    await alice.connect();
    await alice.enter('alice');
    const lost = next<[WsChatError]>(alice, 'lost');
    await proxy.close(); // nothing listens there any more
    proxy = undefined;
    const [err] = await lost;
    expect(err.message).toMatch(/could not reconnect to 127\.0\.0\.1:\d+ after 2 attempts/u);
  });

  it('fails to connect with a one-line reason', async () => {
    const port = await deadPort();
    await expect(client(`http://127.0.0.1:${port}`).connect()).rejects.toThrow(/connection refused/u);
    const plain = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const { port: p } = plain.address() as AddressInfo;
      await expect(client(`http://127.0.0.1:${p}`).connect()).rejects.toThrow(/has no WebSocket chat at this URL \(HTTP 404\)/u);
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});
