// Look-alike names (issue 10 item 8) through real doors: WebSocket, IRC and UDP clients on one room, on loopback.
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/core/errors.js';
import { wsPlugin } from '../src/doors/ws/plugin.js';
import { rigPerTest, type IrcRig } from './helpers/irc.js';
import { ATTACK_NAMES } from './helpers/names.js';
import { TestWsClient, wsRigPerTest } from './helpers/ws.js';

const startWs = wsRigPerTest();
const startIrc = rigPerTest();

/** IRC numerics for the room's name errors (RFC 2812 5.2): 433 in use, 432 erroneous. */
const NUMERIC: Partial<Record<ErrorCode, string>> = { NAME_TAKEN: '433', BAD_NAME: '432', RESERVED_NAME: '432' };
/** What the core's reason says, carried in the numeric's trailing text. */
const REASON: Partial<Record<ErrorCode, RegExp>> = { NAME_TAKEN: /already in use/u, BAD_NAME: /a name cannot/u, RESERVED_NAME: /is reserved/u };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A WebSocket door on the IRC rig's room (as the server wires them: one room, every door). */
async function wsOn(rig: IrcRig): Promise<TestWsClient> {
  const app = Fastify();
  await app.register(wsPlugin(rig.ctx));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = await TestWsClient.open(`ws://127.0.0.1:${port}/ws`);
  closers.push(async () => {
    client.ws.terminate();
    await app.close();
  });
  await client.nextOf('hello');
  return client;
}

describe('WebSocket door: look-alikes of a present member and reserved names in disguise', () => {
  it.each(ATTACK_NAMES)('%s: %s is refused with %s', async (_label, name, code) => {
    const r = await startWs();
    const alice = await r.member('alice2360');
    const c = await r.client();
    await c.nextOf('hello');
    expect(await c.tryEnter(name)).toMatchObject({ type: 'error', code, about: 'enter' });
    expect(r.chat.online().map((m) => m.name)).toEqual(['alice2360']);
    // The one refused can still enter under a name of its own, and alice heard only that.
    await c.enter('bob');
    expect(await alice.notice('bob joined the room')).toBe('bob joined the room');
  });
});

describe('IRC door: look-alikes of a present member and reserved names in disguise', () => {
  it('answers each with 433 or 432 and the reason in its text, then registers a name of its own', async () => {
    const r = await startIrc();
    await r.member('alice2360');
    const c = await r.client();
    c.send('USER x 0 * :X');
    for (const [label, name, code] of ATTACK_NAMES) {
      const numeric = NUMERIC[code] ?? '';
      const reply = await c.request(`NICK ${name}`, numeric);
      expect(reply.params[1], label).toBe(name.normalize('NFC'));
      // The core's own reason (whom it clashes with, what is reserved, which character), not a bare numeric.
      expect(reply.params[2], label).toMatch(REASON[code] ?? /./u);
    }
    c.send('NICK bob');
    await c.waitFor('001');
    expect(r.chat.online().map((m) => m.name)).toEqual(['alice2360', 'bob']);
  });

  it('refuses a registered member renaming to a look-alike of another, and allows one of its own name', async () => {
    const r = await startIrc({ nickChangeIntervalMs: 0 });
    await r.member('alice2360');
    const bob = await r.member('bob');
    expect((await bob.request('NICK \u0430lice2360', '433')).params.slice(0, 2)).toEqual(['bob', '\u0430lice2360']);
    // bob's own look-alike is bob's: the rename goes through under the new spelling.
    bob.send('NICK b\u043eb');
    expect((await bob.waitFor('NICK')).params[0]).toBe('b\u043eb');
    expect(r.chat.online().map((m) => m.name)).toEqual(['alice2360', 'b\u043eb']);
  });
});

describe('every door shares the one rule', () => {
  it('a name held through IRC is taken for WebSocket and UDP in any disguise, and the other way round', async () => {
    const r = await startIrc();
    await r.member('alice2360');
    const ws = await wsOn(r);
    expect(await ws.tryEnter('ａｌｉｃｅ2360')).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
    expect(await ws.tryEnter('[ａｄｍｉｎ]')).toMatchObject({ type: 'error', code: 'RESERVED_NAME' });
    const udp = await r.udpClient();
    expect(await udp.request('L al\u0456ce2360')).toMatch(/NAME_TAKEN/u);
    // Long enough that the door's answer (never longer than the datagram, issue 10 item 7) can name the code.
    expect(await udp.request('L \uff3f\uff3f\u0430dmin\uff3f\uff3f')).toMatch(/RESERVED_NAME/u);
    expect(r.chat.size).toBe(1);

    await ws.enter('\u0441arol'); // Cyrillic с
    const irc = await r.client();
    irc.send('USER x 0 * :X');
    expect((await irc.request('NICK CAROL', '433')).params[1]).toBe('CAROL');
    expect(await udp.request('L ｃａｒｏｌ')).toMatch(/NAME_TAKEN/u);
    expect(r.chat.size).toBe(2);
  });
});
