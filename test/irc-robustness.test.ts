// IRC door integration: keepalive, overlong and garbage lines, odd encodings, and a reader too slow to keep up.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../src/core/chat/types.js';
import { rigPerTest, type IrcRig } from './helpers/irc.js';

const start = rigPerTest();

/** Resolves with the first room event that passes `test` (already seen or still to come). */
function roomEvent(r: IrcRig, test: (e: ChatEvent) => boolean): Promise<ChatEvent> {
  const seen = r.events.find(test);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const off = r.chat.subscribe((e) => {
      if (!test(e)) return;
      off();
      resolve(e);
    });
  });
}

describe('IRC door: keepalive', () => {
  it('PINGs a silent client, keeps one that answers, and drops one that does not (leave reason: timeout)', async () => {
    // A wide reply window (1.4 s): alice's PONG must never be late, even on a loaded machine.
    const r = await start({ pingIntervalMs: 100, pingTimeoutMs: 1500 });
    const a = await r.member('alice');
    const b = await r.member('bob');
    // alice answers her PINGs, twice, and so stays.
    for (let i = 0; i < 2; i++) {
      const ping = await a.waitFor('PING');
      expect(ping.params).toEqual(['irc.netroom']);
      a.send(`PONG :${ping.params[0] ?? ''}`);
    }
    a.autoPong = true;
    // bob never answers.
    await b.waitFor('PING');
    const error = await b.waitFor('ERROR');
    expect(error.params[0]).toMatch(/^Closing link: bob\[irc\.netroom\] \(Ping timeout: \d+ seconds\)$/u);
    await b.whenClosed();
    expect(await roomEvent(r, (e) => e.kind === 'quit' && e.name === 'bob')).toMatchObject({ reason: 'timeout' });
    const quit = await a.waitFor('QUIT');
    expect(quit.source).toBe('bob!bob@irc.netroom');
    expect(quit.params[0]).toMatch(/^Ping timeout: \d+ seconds$/u);
    expect(r.chat.find('alice')).toBeDefined();
  });

  it('drops a connection that never registers', async () => {
    const r = await start({ pingIntervalMs: 50, pingTimeoutMs: 150 });
    const c = await r.client();
    await c.waitFor('PING');
    expect((await c.waitFor('ERROR')).params[0]).toMatch(/^Closing link: \*\[irc\.netroom\] \(Ping timeout/u);
    await c.whenClosed();
    expect(r.events).toEqual([]);
  });
});

describe('IRC door: what clients may throw at it', () => {
  it('refuses lines over 512 bytes with 417 and keeps the connection', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    expect((await a.request(`PRIVMSG #lobby :${'x'.repeat(600)}`, '417')).params).toEqual(['alice', 'Input line was too long']);
    // Far past any buffer: still one 417, and the line after it works.
    a.send(Buffer.from('y'.repeat(100_000)));
    a.send('\r\nPRIVMSG #lobby :after the flood');
    expect((await a.waitFor('417')).params[0]).toBe('alice');
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('after the flood');
    expect(r.events.filter((e) => e.kind === 'message').length).toBe(1);
    expect((await a.sync()).filter((l) => l.command === '417')).toEqual([]);
  });

  it('accepts long message tags (up to 8191 bytes) in front of a normal line', async () => {
    const r = await start();
    const a = await r.member('alice', ['message-tags']);
    const b = await r.member('bob');
    a.send(`@+example.org/data=${'z'.repeat(4000)};+typing=active PRIVMSG #lobby :tagged`);
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('tagged');
    a.send('@+typing=active TAGMSG #lobby');
    // No 421, nothing at all: only bob's JOIN from before arrived.
    expect((await a.sync()).map((l) => l.command)).toEqual(['JOIN']);
  });

  it('survives garbage: control bytes, NULs, odd separators, lines without a command', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    a.send(Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02, 0x0d, 0x0a]));
    a.send('\r\n\r\n   \r\n@only=tags\r\n:only.a.source\r\n');
    a.send(Buffer.from('PING one\rPING two\nPING three\r\n'));
    const pongs = (await a.sync()).filter((l) => l.command === 'PONG').map((l) => l.params[1]);
    expect(pongs).toEqual(['one', 'two', 'three']);
    // A NUL inside a message is a control character: the room refuses it, loudly.
    expect((await a.request('PRIVMSG #lobby :nul\x00inside', 'NOTICE')).params[1]).toMatch(/^ERROR BAD_MESSAGE/u);
    a.send('JOIN :#lo\x00bby');
    expect((await a.waitFor('479')).raw).not.toContain('\x00');
    b.send('PRIVMSG #lobby :still fine');
    expect((await a.waitFor('PRIVMSG')).params[1]).toBe('still fine');
  });

  it('reads Latin-1 from clients that do not send UTF-8', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    a.send(Buffer.concat([Buffer.from('PRIVMSG #lobby :', 'ascii'), Buffer.from('Grüße aus Köln', 'latin1'), Buffer.from('\r\n')]));
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('Grüße aus Köln');
  });
});

describe('IRC door: slow readers', () => {
  it('drops a client that stops reading once its send queue is full, without holding up the others', async () => {
    const r = await start({ sendQueueBytes: 64 * 1024 });
    const fast = await r.member('fast');
    const slow = await r.member('slow');
    // A third client reads everything, counting bytes instead of keeping lines.
    const reader = connect(r.port, '127.0.0.1');
    reader.on('error', () => undefined);
    let received = 0;
    let sawQuit = false;
    let tail = ''; // the end of what came before, so a line split across chunks is still found
    reader.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-4096);
      if (tail.includes('QUIT :SendQ exceeded')) sawQuit = true;
    });
    reader.write('NICK reader\r\nUSER r 0 * :r\r\nJOIN #lobby\r\n');
    await roomEvent(r, (e) => e.kind === 'join' && e.name === 'reader');
    slow.socket.pause();
    const webby = r.chat.enter('webby', 'ws');
    const text = 'x'.repeat(1900);
    const gone = roomEvent(r, (e) => e.kind === 'quit' && e.name === 'slow');
    let dropped = false;
    void gone.then(() => (dropped = true));
    // Say until the kernel's buffers and the queue are full (bounded: about 100 MB at most).
    for (let round = 0; round < 1000 && !dropped; round++) {
      for (let i = 0; i < 50; i++) r.chat.say(webby, '#lobby', text);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await gone).toMatchObject({ kind: 'quit', reason: 'disconnect' });
    const quit = await fast.waitFor((l) => l.command === 'QUIT' && l.source?.startsWith('slow!') === true);
    expect(quit.params).toEqual(['SendQ exceeded']);
    expect(r.chat.find('slow')).toBeUndefined();
    // The fast readers got everything said, the drop included.
    r.chat.say(webby, '#lobby', 'the end');
    await fast.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'the end');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (sawQuit) resolve();
        else reader.once('data', check);
      };
      check();
    });
    expect(received).toBeGreaterThan(64 * 1024);
    reader.destroy();
  });
});
