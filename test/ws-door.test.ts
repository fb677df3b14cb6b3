// Integration tests of the WebSocket chat door through real sockets: protocol, notices, validation.
import { describe, expect, it } from 'vitest';
import type { Member } from '../src/core/chat/types.js';
import { MAX_FRAME_BYTES, type ServerMessage } from '../src/doors/ws/messages.js';
import { VERSION } from '../src/cli/version.js';
import { wsRigPerTest, type TestWsClient } from './helpers/ws.js';

const start = wsRigPerTest();

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

/** Send something and return the error it draws. */
async function errorFor(client: TestWsClient, data: object | string | Buffer, binary = false): Promise<ErrorMessage> {
  client.send(data, { binary });
  return client.nextOf('error');
}

/** The connection still answers (a `who` round trip). */
async function stillUp(client: TestWsClient): Promise<void> {
  client.send({ type: 'who' });
  await client.nextOf('members');
}

describe('WS door: hello, welcome, notices', () => {
  it('says hello first, in the server language', async () => {
    const r = await start({ lang: 'zh' });
    const c = await r.client();
    expect(await c.next()).toEqual({ type: 'hello', server: 'netroom', version: VERSION, lang: 'zh' });
  });

  it('welcomes with the name as entered (NFC), the members in order, history and a resume token', async () => {
    const r = await start();
    await r.member('alice');
    const b = await r.client();
    await b.nextOf('hello');
    const welcome = await b.enter('cafe\u0301');
    const modes = { noExternal: true, topicLocked: true, secret: false, inviteOnly: false, moderated: false, key: null, limit: null }; // +nt by default, as IRC
    expect(welcome).toEqual({
      type: 'welcome',
      name: 'caf\u00e9',
      members: ['alice', 'caf\u00e9'],
      history: [],
      resume: welcome.resume,
      rooms: [{ name: '#lobby', topic: '', size: 2, modes }],
      account: null, // a guest
    });
    expect(welcome.resume).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(r.plugin.door.size).toBe(2);
  });

  it('sends joins and messages to the others only, as event frames with the stored fields and a notice', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    const join = await a.nextOf('event');
    expect(join.event).toEqual({ id: join.event.id, at: join.event.at, kind: 'join', room: '#lobby', name: 'bob', notice: 'bob joined the room' });
    a.send({ type: 'say', text: 'hi bob' });
    const said = await b.nextOf('event');
    expect(said.event).toMatchObject({ kind: 'message', name: 'alice', text: 'hi bob', notice: 'alice: hi bob' });
    expect(said.event.id).toBeGreaterThan(join.event.id);
    b.send({ type: 'say', text: 'hi alice' });
    // alice's next event is bob's message: her own was not echoed.
    expect((await a.nextOf('event')).event.notice).toBe('bob: hi alice');
    expect(b.notices()).toEqual(['alice: hi bob']);
  });

  it('sends announcements and file notices to everyone, the uploader too', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    await a.notice('bob joined the room');
    r.chat.announce('maintenance at noon');
    r.chat.fileShared('docs/report.pdf', 2048, 'alice');
    r.chat.fileShared('anon.bin', 3);
    for (const c of [a, b]) {
      expect(await c.notice('[admin] maintenance at noon')).toBeTruthy();
      const file = await c.nextOf('event');
      expect(file.event).toMatchObject({ kind: 'file', name: 'alice', path: 'docs/report.pdf', size: 2048, notice: 'alice shared docs/report.pdf (2.0 KiB)' });
      const anon = await c.nextOf('event');
      expect(anon.event).not.toHaveProperty('name');
      expect(anon.event.notice).toBe('someone shared anon.bin (3 B)');
    }
  });

  it('answers who, before and after entering', async () => {
    const r = await start();
    await r.member('alice');
    const c = await r.client();
    c.send({ type: 'who' });
    expect(await c.nextOf('members')).toEqual({ type: 'members', members: ['alice'] });
    await c.enter('zed');
    c.send({ type: 'who' });
    expect(await c.nextOf('members')).toEqual({ type: 'members', members: ['alice', 'zed'] });
  });

  it('leave: answers left, the others hear it, the connection stays and can enter again', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    b.send({ type: 'leave' });
    expect(await b.nextOf('left')).toEqual({ type: 'left' });
    const left = await a.waitFor((m) => m.type === 'event' && m.event.kind === 'leave');
    expect(left).toMatchObject({ event: { kind: 'leave', name: 'bob', reason: 'quit', notice: 'bob left the room' } });
    expect(r.chat.members('#lobby').map((m) => m.name)).toEqual(['alice']);
    expect((await b.enter('bobby')).members).toEqual(['alice', 'bobby']);
    expect(await a.notice('bobby joined the room')).toBeTruthy();
  });

  it('a closed connection leaves the chat (disconnect) at once without a leave grace (ws-grace.test.ts has the grace)', async () => {
    const r = await start({ ws: { leaveGraceMs: 0 } });
    const a = await r.member('alice');
    const b = await r.member('bob');
    b.close();
    const left = await a.waitFor((m) => m.type === 'event' && m.event.kind === 'leave');
    expect(left).toMatchObject({ event: { name: 'bob', reason: 'disconnect' } });
    expect(r.plugin.door.size).toBe(1);
  });

  it('works attached with await plugin(app) too', async () => {
    const r = await start({ direct: true });
    const a = await r.member('alice');
    await r.member('bob');
    expect(await a.notice('bob joined the room')).toBeTruthy();
  });

  it('delivers many events of one turn in order, each author skipping only its own', async () => {
    const r = await start();
    const [a, b, c] = [await r.member('a'), await r.member('b'), await r.member('c')];
    await a.notice('c joined the room');
    await b.notice('c joined the room');
    const ma = r.chat.find('a') as Member;
    const mb = r.chat.find('b') as Member;
    // All in one synchronous run: one batch, mixed authors.
    for (let i = 0; i < 50; i++) {
      r.chat.say(ma, '#lobby', `a${i}`);
      r.chat.say(mb, '#lobby', `b${i}`);
      r.chat.announce(`x${i}`);
    }
    r.chat.announce('end');
    for (const client of [a, b, c]) await client.notice('[admin] end');
    const expected = (skip: string): string[] =>
      Array.from({ length: 50 }, (_, i) => [`a: a${i}`, `b: b${i}`, `[admin] x${i}`]).flat().filter((n) => !n.startsWith(`${skip}:`));
    const batch = (client: TestWsClient): string[] => client.notices().filter((n) => !n.endsWith(' joined the room')).slice(0, -1);
    expect(batch(a)).toEqual(expected('a'));
    expect(batch(b)).toEqual(expected('b'));
    expect(batch(c)).toEqual(expected('c'));
  });
});

describe('WS door: errors from the chat', () => {
  it('refuses taken (any case), bad and reserved names with the code and about=enter', async () => {
    const r = await start();
    await r.member('Alice');
    const c = await r.client();
    await c.nextOf('hello');
    expect(await c.tryEnter('alice')).toMatchObject({ type: 'error', code: 'NAME_TAKEN', about: 'enter' });
    expect(await c.tryEnter('has space')).toMatchObject({ type: 'error', code: 'BAD_NAME', about: 'enter' });
    expect(await c.tryEnter('ADMIN')).toMatchObject({ type: 'error', code: 'RESERVED_NAME', about: 'enter' });
    expect(await c.tryEnter('')).toMatchObject({ type: 'error', code: 'BAD_NAME' });
    expect((await c.enter('carol')).name).toBe('carol');
  });

  it('refuses say and leave before entering, a second enter, empty and overlong messages', async () => {
    const r = await start();
    const c = await r.client();
    expect(await errorFor(c, { type: 'say', text: 'hi' })).toMatchObject({ code: 'NOT_IN_ROOM', about: 'say' });
    expect(await errorFor(c, { type: 'leave' })).toMatchObject({ code: 'NOT_IN_ROOM', about: 'leave' });
    await c.enter('dave');
    expect(await errorFor(c, { type: 'enter', name: 'other' })).toMatchObject({ code: 'ALREADY_IN_ROOM', about: 'enter' });
    expect(await errorFor(c, { type: 'say', text: '   ' })).toMatchObject({ code: 'EMPTY_MESSAGE', about: 'say' });
    const long = await errorFor(c, { type: 'say', text: 'x'.repeat(2001) });
    expect(long).toMatchObject({ code: 'MESSAGE_TOO_LONG', about: 'say' });
    expect(long.message).toMatch(/2000/);
    await stillUp(c);
  });

  it('answers RATE_LIMITED to the sender only', async () => {
    const r = await start({ flood: { rate: 0.001, burst: 2 } });
    const a = await r.member('alice');
    const b = await r.member('bob');
    for (const text of ['one', 'two', 'three']) a.send({ type: 'say', text });
    expect(await a.nextOf('error')).toMatchObject({ code: 'RATE_LIMITED', about: 'say' });
    await b.notice('alice: two');
    r.chat.announce('marker');
    await b.notice('[admin] marker');
    expect(b.log.some((m) => m.type === 'error')).toBe(false);
    expect(b.notices()).not.toContain('alice: three');
  });
});

describe('WS door: validation of frames', () => {
  it('answers bad JSON, non-objects, unknown types and wrong field types with BAD_REQUEST and stays up', async () => {
    const r = await start();
    const c = await r.client();
    await c.nextOf('hello');
    for (const bad of ['{not json', '[]', '"text"', 'null', '42', '{}', '{"type":7}']) {
      const e = await errorFor(c, bad);
      expect(e.code, bad).toBe('BAD_REQUEST');
      expect(e).not.toHaveProperty('about');
    }
    expect(await errorFor(c, { type: 'dance' })).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/unknown type/) as unknown });
    expect(await errorFor(c, { type: 'enter', name: 7 })).toMatchObject({ code: 'BAD_REQUEST', about: 'enter' });
    expect(await errorFor(c, { type: 'enter', name: 'x', resume: 5 })).toMatchObject({ code: 'BAD_REQUEST', about: 'enter' });
    expect(await errorFor(c, { type: 'enter', name: 'x', resume: 'y'.repeat(500) })).toMatchObject({ code: 'BAD_REQUEST', about: 'enter' });
    expect(await errorFor(c, { type: 'say', text: ['hi'] })).toMatchObject({ code: 'BAD_REQUEST', about: 'say' });
    expect(r.chat.size).toBe(0);
    await c.enter('eve');
    expect(await errorFor(c, { type: 'say' })).toMatchObject({ code: 'BAD_REQUEST', about: 'say' });
    await stillUp(c);
  });

  it('refuses binary frames with an error', async () => {
    const r = await start();
    const c = await r.client();
    const e = await errorFor(c, Buffer.from('{"type":"who"}'), true);
    expect(e).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/binary/) as unknown });
    await stillUp(c);
  });

  it('answers a frame over the limit with TOO_LARGE and stays up', async () => {
    const r = await start();
    const c = await r.client();
    const e = await errorFor(c, JSON.stringify({ type: 'say', text: 'y'.repeat(MAX_FRAME_BYTES) }));
    expect(e).toMatchObject({ code: 'TOO_LARGE' });
    await stillUp(c);
  });

  it('closes with 1009 on a frame over the hard limit', async () => {
    const r = await start({ ws: { hardMaxFrameBytes: 64 * 1024 } });
    const c = await r.client();
    await c.enter('frank');
    c.send(JSON.stringify({ type: 'say', text: 'z'.repeat(70 * 1024) }));
    expect((await c.closed).code).toBe(1009);
  });

  it('closes with 1007 on a text frame that is not UTF-8, and the member leaves', async () => {
    const r = await start();
    const watcher = await r.member('watcher');
    const c = await r.member('garbled');
    c.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])); // sent as a text frame
    expect((await c.closed).code).toBe(1007);
    expect(await watcher.notice('garbled left the room')).toBeTruthy();
  });

  it('closes an abusive client with 1008 after too many invalid frames in a row', async () => {
    const r = await start({ ws: { maxInvalidFrames: 5 } });
    const watcher = await r.member('watcher');
    const c = await r.client();
    await c.enter('spammer');
    // Five invalid then a valid one: still up (the count is of frames in a row).
    for (let i = 0; i < 5; i++) c.send('nope');
    await stillUp(c);
    for (let i = 0; i < 6; i++) c.send('nope');
    const closed = await c.closed;
    expect(closed).toEqual({ code: 1008, reason: 'too many invalid messages' });
    expect(await watcher.notice('spammer left the room')).toBeTruthy();
  });
});
