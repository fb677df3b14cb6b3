// IRC door integration with the rest of the room: other doors' joins, messages, leaves, announcements, history, shutdown.
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IrcSession } from '../src/doors/irc/session.js';
import { SqliteHistory } from '../src/store/sqlite.js';
import { ADMIN_TOKEN, startIrcRig, type IrcRig, type IrcRigOptions } from './helpers/irc.js';

let rig: IrcRig | undefined;
async function start(options: IrcRigOptions = {}): Promise<IrcRig> {
  rig = await startIrcRig(options);
  return rig;
}
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ISO_TIME = /^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/u;

describe('IRC door and the other doors', () => {
  it('shows a UDP member entering, speaking and leaving as JOIN, PRIVMSG and QUIT', async () => {
    const r = await start();
    const a = await r.member('alice');
    const udp = await r.udpClient();
    await udp.enter('Bob');
    const join = await a.waitFor('JOIN');
    expect(join.source).toBe('Bob!Bob@udp.netroom');
    expect(join.params).toEqual(['#lobby']);
    udp.send('C Bob hello from udp');
    const msg = await a.waitFor('PRIVMSG');
    expect(msg.source).toBe('Bob!Bob@udp.netroom');
    expect(msg.params).toEqual(['#lobby', 'hello from udp']);
    expect((await a.request('NAMES #lobby', '353')).params[3]).toBe('alice Bob');
    udp.send('Q Bob');
    const quit = await a.waitFor('QUIT');
    expect(quit.source).toBe('Bob!Bob@udp.netroom');
    expect(quit.params).toEqual(['Quit']);
  });

  it('lets the other doors hear IRC members enter, speak and quit', async () => {
    const r = await start();
    const udp = await r.udpClient();
    await udp.enter('bob');
    const a = await r.member('alice');
    expect(await udp.next()).toBe('\nalice joined the room');
    a.send('PRIVMSG #lobby :hi bob, ça va?');
    expect(await udp.next()).toBe('\nalice: hi bob, ça va?');
    a.send('QUIT :see you');
    const error = await a.waitFor('ERROR');
    expect(error.params[0]).toBe('Closing link: alice[irc.netroom] (Quit: see you)');
    await a.whenClosed();
    expect(await udp.next()).toBe('\nalice left the room');
    expect(r.events.at(-1)).toMatchObject({ kind: 'quit', name: 'alice', reason: 'quit' });
    expect(r.chat.find('alice')).toBeUndefined();
  });

  it('tells other IRC clients why someone left; a lost connection is a disconnect', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    b.send('QUIT :gone fishing');
    expect((await a.waitFor('QUIT')).params).toEqual(['Quit: gone fishing']);
    const c = await r.member('carol');
    c.close();
    const quit = await a.waitFor((l) => l.command === 'QUIT' && l.source?.startsWith('carol!') === true);
    expect(quit.params).toEqual(['Connection closed']);
    expect(r.events.at(-1)).toMatchObject({ kind: 'quit', name: 'carol', reason: 'disconnect' });
  });

  it('splits a long or multi-line message from another door into lines of at most 512 bytes', async () => {
    const r = await start();
    const a = await r.member('alice');
    const webby = r.chat.enter('webby', 'ws');
    const long = '這是一個很長的訊息 with some ASCII too. '.repeat(60).slice(0, 2000);
    r.chat.say(webby, '#lobby', long);
    r.chat.say(webby, '#lobby', 'line one\nline two');
    r.chat.say(webby, '#lobby', 'end');
    const pieces: string[] = [];
    for (;;) {
      const line = await a.waitFor('PRIVMSG');
      expect(Buffer.byteLength(line.raw) + 2).toBeLessThanOrEqual(512);
      expect(line.source).toBe('webby!webby@ws.netroom');
      if (line.params[1] === 'line one') break;
      pieces.push(line.params[1] ?? '');
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(long);
    expect((await a.waitFor('PRIVMSG')).params[1]).toBe('line two');
    expect((await a.waitFor('PRIVMSG')).params[1]).toBe('end');
    r.chat.say(webby, '#lobby', '/me dances');
    expect((await a.waitFor('PRIVMSG')).params[1]).toBe('\x01ACTION dances\x01');
  });

  it('carries server-time on live events for clients that asked for it', async () => {
    const r = await start();
    const a = await r.member('alice', ['server-time']);
    const webby = r.chat.enter('webby', 'ws');
    const join = await a.waitFor('JOIN');
    expect(join.tags).toMatch(ISO_TIME);
    r.chat.say(webby, '#lobby', 'tick');
    const msg = await a.waitFor('PRIVMSG');
    const event = r.events.at(-1);
    expect(msg.tags).toBe(`time=${new Date(event?.at ?? 0).toISOString()}`);
  });
});

describe('IRC door: fan-out', () => {
  it('encodes an event once for all recipients (one buffer plain, one with server-time)', async () => {
    const r = await start();
    const plain = await Promise.all(['p1', 'p2', 'p3'].map((n) => r.member(n)));
    const timed = await Promise.all(['t1', 't2'].map((n) => r.member(n, ['server-time'])));
    const webby = r.chat.enter('webby', 'ws');
    await Promise.all([...plain, ...timed].map((c) => c.waitFor('JOIN')));
    const spy = vi.spyOn(IrcSession.prototype, 'sendRaw');
    try {
      r.chat.say(webby, '#lobby', 'once for all');
      const buffers = spy.mock.calls.map(([buf]) => buf);
      expect(buffers.length).toBe(5);
      expect(new Set(buffers).size).toBe(2);
      expect(buffers.filter((b) => b.toString().startsWith('@time=')).length).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('writes all the lines of one event-loop turn to a client in one socket write', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    const webby = r.chat.enter('webby', 'ws');
    await Promise.all([a.waitFor('JOIN'), b.waitFor('JOIN')]);
    const spy = vi.spyOn(Socket.prototype, 'write');
    try {
      for (let i = 0; i < 20; i++) r.chat.say(webby, '#lobby', `burst ${i}`);
      await a.waitFor((l) => l.params[1] === 'burst 19');
      await b.waitFor((l) => l.params[1] === 'burst 19');
      // Server-side sockets (local port = the door's) that carried the burst: one write each, all 20 lines in it.
      const writes = spy.mock.contexts.filter((socket, i) => (socket as Socket).localPort === r.port && String(spy.mock.calls[i]?.[0]).includes('burst'));
      expect(writes.length).toBe(2);
      expect(new Set(writes).size).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('IRC door: announcements and file notices', () => {
  it('delivers announcements to every member (in a room or not) and file notices to the room, as server NOTICEs', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.client();
    await b.register('bob');
    await b.sync();
    r.chat.announce('maintenance at noon');
    const notice = await a.waitFor('NOTICE');
    expect(notice.source).toBe('irc.netroom');
    expect(notice.params).toEqual(['alice', '[admin] maintenance at noon']);
    expect((await b.waitFor('NOTICE')).params).toEqual(['bob', '[admin] maintenance at noon']);
    r.chat.fileShared('docs/a.pdf', 2048, 'webby');
    expect((await a.waitFor('NOTICE')).params).toEqual(['#lobby', 'webby shared docs/a.pdf (2.0 KiB)']);
    // bob is in no room: a file shared to #lobby is not for him.
    expect((await b.sync()).filter((l) => l.command === 'NOTICE')).toEqual([]);
  });

  it('makes an OPER with the admin token an administrator who announces through WALLOPS and NOTICE $*', async () => {
    const r = await start();
    const a = await r.member('alice');
    const udp = await r.udpClient();
    await udp.enter('bob');
    await a.waitFor('JOIN');
    expect((await a.request('WALLOPS :not yet', '481')).params[0]).toBe('alice');
    expect((await a.request('OPER admin wrong-token', '464')).params[1]).toBe('Password incorrect');
    expect((await a.request(`OPER root ${ADMIN_TOKEN}`, '464')).params[0]).toBe('alice');
    expect((await a.request(`OPER admin ${ADMIN_TOKEN}`, '381')).params[0]).toBe('alice');
    expect((await a.waitFor('MODE')).params).toEqual(['alice', '+o']);
    a.send('WALLOPS :the room closes at ten');
    expect(await udp.next()).toBe('\n[admin] the room closes at ten');
    expect((await a.waitFor((l) => l.command === 'NOTICE' && l.source === 'irc.netroom' && l.params[0] === 'alice' && l.params[1]?.startsWith('[admin]') === true)).params[1]).toBe(
      '[admin] the room closes at ten',
    );
    a.send('NOTICE $* :second announcement');
    expect(await udp.next()).toBe('\n[admin] second announcement');
    expect(r.events.filter((e) => e.kind === 'announce').length).toBe(2);
    expect((await a.request('WHO alice', '352')).params[6]).toBe('H*');
    expect(r.chat.isAdmin(r.chat.find('alice')!)).toBe(true);
    // An operator's PRIVMSG is still an ordinary message.
    a.send('PRIVMSG #lobby :just me');
    expect(await udp.next()).toBe('\nalice: just me');
  });

  it('refuses OPER after three wrong tokens, and when no admin token is set', async () => {
    const r = await start();
    const a = await r.member('alice');
    for (let i = 0; i < 3; i++) await a.request('OPER admin nope', '464');
    expect((await a.request(`OPER admin ${ADMIN_TOKEN}`, '491')).params[0]).toBe('alice');
    await r.close();
    const r2 = await start({ adminToken: '' });
    const b = await r2.member('bob');
    expect((await b.request('OPER admin anything', '491')).params[0]).toBe('bob');
  });
});

describe('IRC door: history on JOIN', () => {
  it("replays the room's recent conversation after NAMES with server-time tags, in order (not joins and leaves)", async () => {
    const r = await start({ historySize: 4 });
    const webby = r.chat.enter('webby', 'ws');
    r.chat.say(webby, '#lobby', 'first, dropped by the limit');
    r.chat.say(webby, '#lobby', 'hello irc');
    r.chat.say(webby, '#lobby', '/me waves');
    r.chat.announce('be nice');
    r.chat.fileShared('a.txt', 10);
    r.chat.disconnect(webby, 'timeout');
    const c = await r.client();
    await c.register('alice', ['server-time']);
    c.send('JOIN #lobby');
    await c.waitFor('366');
    const replay = await c.sync();
    expect(replay.map((l) => [l.source, l.command, ...l.params])).toEqual([
      ['webby!webby@netroom', 'PRIVMSG', '#lobby', 'hello irc'],
      ['webby!webby@netroom', 'PRIVMSG', '#lobby', '\x01ACTION waves\x01'],
      ['irc.netroom', 'NOTICE', '#lobby', '[admin] be nice'],
      ['irc.netroom', 'NOTICE', '#lobby', 'someone shared a.txt (10 B)'],
    ]);
    const stored = (await r.history.recent({ room: '#lobby' }, 10)).filter((e) => e.kind !== 'join' && e.kind !== 'leave').slice(-4);
    replay.forEach((line, i) => expect(line.tags).toBe(`time=${new Date(stored[i]?.at ?? 0).toISOString()}`));
  });

  it('replays history kept in SQLite across a restart, with the original times', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netroom-irc-sqlite-'));
    try {
      const first = SqliteHistory.open(dir);
      const r1 = await start({ history: first });
      const webby = r1.chat.enter('webby', 'ws');
      r1.chat.say(webby, '#lobby', 'said before the restart');
      const said = r1.events.at(-1);
      await r1.close();
      first.close();
      const second = SqliteHistory.open(dir);
      try {
        const r2 = await start({ history: second });
        const c = await r2.client();
        await c.register('alice', ['server-time']);
        c.send('JOIN #lobby');
        await c.waitFor('366');
        const message = await c.waitFor('PRIVMSG');
        expect(message.params[1]).toBe('said before the restart');
        expect(message.tags).toBe(`time=${new Date(said?.at ?? 0).toISOString()}`);
        await r2.close();
        rig = undefined;
      } finally {
        second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stamps replayed lines in the text for clients without server-time, and replays nothing without a store', async () => {
    const r = await start();
    const webby = r.chat.enter('webby', 'ws');
    r.chat.say(webby, '#lobby', 'old news');
    const replay = await (await r.client()).joinLobby('alice');
    expect(replay.map((l) => l.params[1])).toEqual([expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] old news$/u)]);
    expect(replay.every((l) => l.tags === undefined)).toBe(true);
    await r.close();
    const r2 = await start({ noHistory: true });
    r2.chat.say(r2.chat.enter('webby', 'ws'), '#lobby', 'not kept');
    expect(await (await r2.client()).joinLobby('alice')).toEqual([]);
  });
});

describe('IRC door: closing', () => {
  it('sends the room closing notice and ERROR, then closes every connection', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.client();
    await b.register('bob');
    const c = await r.client(); // never registers
    r.chat.close();
    expect((await a.waitFor('NOTICE')).params).toEqual(['alice', 'the server is closing']);
    expect((await a.waitFor('ERROR')).params[0]).toBe('Closing link: alice[irc.netroom] (Server shutting down)');
    expect((await b.waitFor('NOTICE')).params).toEqual(['bob', 'the server is closing']);
    await b.waitFor('ERROR');
    await c.waitFor('ERROR');
    await r.door.close();
    await Promise.all([a.whenClosed(), b.whenClosed(), c.whenClosed()]);
    expect(r.door.connections).toBe(0);
  });

  it('on door close with the room still open, IRC members leave with reason shutdown', async () => {
    const r = await start();
    const udp = await r.udpClient();
    await udp.enter('bob');
    const a = await r.member('alice');
    expect(await udp.next()).toBe('\nalice joined the room');
    await r.door.close();
    expect(await udp.next()).toBe('\nalice left the room');
    expect(r.events.at(-1)).toMatchObject({ kind: 'quit', name: 'alice', reason: 'shutdown' });
    await a.whenClosed();
    expect(a.all.at(-1)).toBe('ERROR :Closing link: alice[irc.netroom] (Server shutting down)');
  });
});
