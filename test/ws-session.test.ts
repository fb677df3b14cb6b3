// Integration tests of WebSocket sessions: resume takeover, keepalive timeout, slow readers, closing.
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../src/core/chat/types.js';
import { CLOSE_CODES } from '../src/doors/ws/messages.js';
import { wsRigPerTest } from './helpers/ws.js';

const start = wsRigPerTest();

describe('WS door: resume', () => {
  it('moves the member to the new connection: no leave, no join; the old one is closed with 4000', async () => {
    const r = await start();
    const watcher = await r.member('watcher');
    const old = await r.client();
    const first = await old.enter('Alice');
    await watcher.notice('Alice joined the room');
    const fresh = await r.client();
    const welcome = await fresh.enter('alice', first.resume);
    expect(welcome.name).toBe('Alice');
    expect(welcome.members).toEqual(['watcher', 'Alice']);
    expect(welcome.resume).not.toBe(first.resume);
    expect(await old.closed).toEqual({ code: CLOSE_CODES.takenOver, reason: 'resumed by another connection' });
    fresh.send({ type: 'say', text: 'back again' });
    await watcher.notice('Alice: back again');
    expect(watcher.notices()).toEqual(['Alice joined the room', 'Alice: back again']);
    // The new connection gets the live events the old one would have.
    watcher.send({ type: 'say', text: 'welcome back' });
    expect(await fresh.notice('watcher: welcome back')).toBeTruthy();
    expect(r.plugin.door.size).toBe(2);
  });

  it('refuses a wrong token, and the old token once used', async () => {
    const r = await start();
    const a = await r.client();
    const first = await a.enter('bob');
    const b = await r.client();
    expect(await b.tryEnter('bob', 'x'.repeat(24))).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
    expect(await b.tryEnter('bob', '')).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
    await b.enter('bob', first.resume);
    const c = await r.client();
    expect(await c.tryEnter('bob', first.resume)).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
  });

  it('enters normally (a join) when the name was already given up', async () => {
    const r = await start({ ws: { leaveGraceMs: 0 } });
    const watcher = await r.member('watcher');
    const a = await r.client();
    const first = await a.enter('carol');
    a.close();
    await watcher.notice('carol left the room');
    const b = await r.client();
    expect((await b.enter('carol', first.resume)).name).toBe('carol');
    expect(await watcher.notice('carol joined the room')).toBeTruthy();
  });
});

describe('WS door: keepalive', () => {
  it('a client that does not answer pings leaves the room (timeout); one that does stays', async () => {
    const r = await start({ ws: { pingIntervalMs: 250 } });
    const watcher = await r.member('watcher');
    const mute = await r.client({ autoPong: false });
    await mute.enter('mute');
    const left = await watcher.waitFor((m) => m.type === 'event' && m.event.kind === 'leave', 10_000);
    expect(left).toMatchObject({ event: { name: 'mute', reason: 'timeout', notice: 'mute left the room' } });
    expect((await mute.closed).code).toBe(1006); // cut off, no closing handshake with a dead peer
    expect(r.chat.online().map((m) => m.name)).toEqual(['watcher']);
  });
});

describe('WS door: slow readers', () => {
  it('closes a member whose socket buffers too much (1008) and keeps serving the others', async () => {
    const r = await start({ ws: { maxBufferedBytes: 256 * 1024 } });
    const fast = await r.member('fast');
    const slow = await r.client();
    await slow.enter('slow');
    await fast.notice('slow joined the room');
    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's
    const slowMember = r.chat.find('slow');
    const text = 'x'.repeat(1900);
    let rounds = 0;
    // Bounded: 400 rounds x 50 notices x ~2 KB = 40 MB, far past any loopback buffer.
    while (slowMember && r.chat.has(slowMember) && rounds < 400) {
      for (let i = 0; i < 50; i++) r.chat.announce(text);
      rounds += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(r.chat.has(slowMember as NonNullable<typeof slowMember>)).toBe(false);
    expect(await fast.notice('slow left the room', 20_000)).toBeTruthy();
    slow.ws.resume();
    expect((await slow.closed).code).toBe(CLOSE_CODES.policy);
    r.chat.announce('still here');
    expect(await fast.notice('[admin] still here', 20_000)).toBeTruthy();
  });
});

describe('WS door: closing', () => {
  it('chat closing: members get the closing event, then every socket closes with 1001', async () => {
    const r = await start();
    const a = await r.member('alice');
    const idle = await r.client();
    r.chat.close();
    const closing = await a.waitFor((m) => m.type === 'event' && m.event.kind === 'closing');
    expect(closing).toMatchObject({ event: { kind: 'closing', notice: 'the server is closing' } });
    expect((await a.closed).code).toBe(1001);
    expect((await idle.closed).code).toBe(1001);
    expect(r.plugin.door.size).toBe(0);
  });

  it('app close: members leave as shutdown (other doors hear it) and sockets close with 1001', async () => {
    const r = await start();
    const heard: ChatEvent[] = [];
    r.chat.subscribe((e) => heard.push(e));
    const a = await r.member('alice');
    const other = r.chat.enter('udpuser', 'udp');
    await r.app.close();
    expect((await a.closed).code).toBe(1001);
    expect(heard.filter((e) => e.kind === 'quit').map((e) => [e.kind === 'quit' && e.name, e.kind === 'quit' && e.reason])).toEqual([['alice', 'shutdown']]);
    expect(r.chat.online()).toEqual([other]);
  });
});
