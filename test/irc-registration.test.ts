// IRC door integration: registration with and without CAP, numerics before 001, nicks as room names across doors.
import { describe, expect, it } from 'vitest';
import { NetroomError } from '../src/core/errors.js';
import { IrcDoor } from '../src/doors/irc/door.js';
import { rigPerTest } from './helpers/irc.js';
import { padded } from './helpers/udp.js';

const start = rigPerTest();

describe('IRC door: registration', () => {
  it('says where it listens and validates its options', async () => {
    const r = await start();
    expect(r.door.address()).toEqual({ door: 'irc', protocol: 'tcp', host: '127.0.0.1', port: r.port });
    expect(() => new IrcDoor(r.ctx, { host: '127.0.0.1', port: 0, adminToken: '', pingIntervalMs: 10, pingTimeoutMs: 5 })).toThrow(RangeError);
    expect(() => new IrcDoor(r.ctx, { host: '127.0.0.1', port: 0, adminToken: '', serverName: 'nodot' })).toThrow(RangeError);
    const second = new IrcDoor(r.ctx, { host: '127.0.0.1', port: r.port, adminToken: '' });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/u);
  });

  it('registers without CAP: 001-005 with the ISUPPORT tokens, the MOTD; the nick is claimed but in no room', async () => {
    const r = await start();
    const watcher = await r.member('watcher');
    const c = await r.client();
    c.send('NICK alice');
    c.send('USER ~al!ce 0 * :Alice Liddell');
    const welcome = await c.waitFor('001');
    expect(welcome.source).toBe('irc.netroom');
    expect(welcome.params[0]).toBe('alice');
    // The USER name (cleaned for a source mask) is the user part of the nick's source, for everyone.
    expect(welcome.params[1]).toContain('alice!alce@irc.netroom');
    await c.waitFor('002');
    await c.waitFor('003');
    expect((await c.waitFor('004')).params.slice(1, 2)).toEqual(['irc.netroom']);
    const isupport = (await c.waitFor('005')).params.join(' ');
    const isupport2 = (await c.waitFor('005')).params.join(' ');
    for (const token of ['CHANTYPES=#', 'CHANLIMIT=#:50', 'CHANMODES=b,k,l,imnst', 'TOPICLEN=390', 'PREFIX=(ov)@+', 'CASEMAPPING=rfc8265', 'NICKLEN=32', 'CHANNELLEN=50', 'NETWORK=netroom', 'CLIENTTAGDENY=*', 'UTF8ONLY', 'WHOX']) {
      expect(isupport + ' ' + isupport2).toContain(token);
    }
    await c.waitFor('375');
    expect((await c.waitFor('372')).params[1]).toMatch(/^- /u);
    await c.waitFor('376');
    expect(r.chat.find('alice')).toMatchObject({ name: 'alice', door: 'irc' });
    // Registration joins nothing: the watcher in #lobby heard nothing.
    expect(r.events.map((e) => e.kind)).toEqual(['join']);
    expect(r.chat.roomsOf(r.chat.find('alice')!)).toEqual([]);
    c.send('JOIN #lobby');
    expect((await c.waitFor('JOIN')).source).toBe('alice!alce@irc.netroom');
    expect((await watcher.waitFor('JOIN')).source).toBe('alice!alce@irc.netroom');
  });

  it('sends 422 when there is no MOTD', async () => {
    const r = await start({ motd: [] });
    const c = await r.client();
    await c.register('alice');
    await c.waitFor('422');
  });

  it('holds 001 until CAP END once CAP negotiation started, and ACKs or NAKs requests whole', async () => {
    const r = await start();
    const c = await r.client();
    const ls = await c.request('CAP LS 302', 'CAP');
    expect(ls.params.slice(0, 2)).toEqual(['*', 'LS']);
    expect(ls.params[2]?.split(' ').sort()).toEqual([
      'away-notify',
      'batch',
      'draft/chathistory',
      'draft/message-redaction',
      'echo-message',
      'extended-join',
      'invite-notify',
      'labeled-response',
      'message-tags',
      'multi-prefix',
      'server-time',
      'userhost-in-names',
    ]);
    c.send('NICK alice');
    c.send('USER alice 0 * :Alice');
    expect((await c.request('CAP REQ :server-time bogus', 'CAP')).params.slice(1)).toEqual(['NAK', 'server-time bogus']);
    expect((await c.request('CAP REQ :server-time multi-prefix', 'CAP')).params.slice(1)).toEqual(['ACK', 'server-time multi-prefix']);
    expect((await c.request('CAP REQ :-multi-prefix', 'CAP')).params.slice(1)).toEqual(['ACK', '-multi-prefix']);
    expect((await c.request('CAP LIST', 'CAP')).params.slice(1)).toEqual(['LIST', 'server-time']);
    // Everything so far was answered, and no 001 among it: registration waits.
    expect((await c.sync()).map((l) => l.command)).not.toContain('001');
    expect(r.chat.size).toBe(0);
    c.send('CAP END');
    await c.waitFor('001');
    expect(r.chat.find('alice')).toBeDefined();
    expect((await c.request('CAP FOO', '410')).params[1]).toBe('FOO');
  });

  it('takes USER with or without the colon before the real name', async () => {
    const r = await start();
    const a = await r.client();
    a.send('NICK alice');
    a.send('USER al 0 * Alice');
    // No one sees #lobby yet, and still the source carries the USER name.
    expect((await a.waitFor('001')).params[1]).toContain('alice!al@irc.netroom');
    const b = await r.client();
    b.send('USER bo 0 * Bob  The Builder');
    b.send('NICK bob');
    await b.waitFor('001');
    expect((await a.request('WHOIS alice', '311')).params.slice(1)).toEqual(['alice', 'al', 'irc.netroom', '*', 'Alice']);
    expect((await a.request('WHOIS bob', '311')).params.slice(1)).toEqual(['bob', 'bo', 'irc.netroom', '*', 'Bob The Builder']);
    expect((await a.request('USER x 0 * :again', '462')).params[1]).toBe('You may not reregister');
  });

  it('answers 451 before registration, 421 for unknown commands after, 461 for missing parameters', async () => {
    const r = await start();
    const c = await r.client();
    expect((await c.request('JOIN #lobby', '451')).params).toEqual(['*', 'You have not registered']);
    expect((await c.request('FROBNICATE', '451')).params[0]).toBe('*');
    expect((await c.request('USER onlyone', '461')).params.slice(1)).toEqual(['USER', 'Not enough parameters']);
    c.send('PASS whatever');
    await c.register('alice');
    expect((await c.request('FROBNICATE now', '421')).params.slice(1)).toEqual(['FROBNICATE', 'Unknown command']);
    expect((await c.request('JOIN', '461')).params[1]).toBe('JOIN');
    expect((await c.request('PASS again', '462')).params[0]).toBe('alice');
    expect((await c.request('NICK', '431')).params[0]).toBe('alice');
  });

  it('answers PING before and after registration', async () => {
    const r = await start();
    const c = await r.client();
    expect((await c.request('PING :early bird', 'PONG')).params).toEqual(['irc.netroom', 'early bird']);
    await c.register('alice');
    expect((await c.request('PING', '409')).params[1]).toBe('No origin specified');
  });
});

describe('IRC door: nicks are room names on every door', () => {
  it('refuses a nick taken through another door in any case, with 433 and the reason in its text', async () => {
    const r = await start();
    r.chat.enter('Carol', 'ws');
    const udp = await r.udpClient();
    await udp.enter('Dave');
    const c = await r.client();
    c.send('USER x 0 * :X');
    const taken = await c.request('NICK carol', '433');
    expect(taken.params.slice(0, 2)).toEqual(['*', 'carol']);
    expect(taken.params[2]).toMatch(/^Nickname is already in use: the name carol is already in use/u);
    await c.request('NICK DAVE', '433');
    // Non-ASCII letters fold too (NFC + toLowerCase), as CASEMAPPING=rfc8265 says.
    r.chat.enter('Ärger', 'ws');
    expect((await c.request('NICK äRGER', '433')).params[1]).toBe('äRGER');
    expect(r.chat.size).toBe(3);
    c.send('NICK erin');
    await c.waitFor('001');
    // ... and the IRC nick is now taken for the other doors.
    c.send('JOIN #lobby');
    expect(await udp.waitFor('\nerin joined the room')).toBeTruthy();
    const udp2 = await r.udpClient();
    // Padded as netroom's own client pads: a stranger's reply is never longer than its datagram.
    expect(await udp2.request(padded('L ERIN'))).toMatch(/^ERROR NAME_TAKEN/u);
    expect(() => r.chat.enter('Erin', 'ws')).toThrow(NetroomError);
  });

  it('refuses bad and reserved nicks with 432 and the reason', async () => {
    const r = await start();
    const c = await r.client();
    c.send('USER x 0 * :X');
    for (const [nick, code] of [
      ['admin', 'RESERVED_NAME'],
      ['#chan', 'BAD_NAME'],
      ['a:b', 'BAD_NAME'],
      ['x'.repeat(33), 'BAD_NAME'],
    ]) {
      const refused = await c.request(`NICK ${nick}`, '432');
      expect(refused.params[1]).toBe(nick);
      expect(refused.params[2]).toMatch(/^Erroneous nickname: ./u);
      expect(r.events.length, code).toBe(0);
    }
    c.send('NICK fine');
    await c.waitFor('001');
  });

  it('answers 433 at registration when the nick was taken after NICK, and lets the client pick another', async () => {
    const r = await start();
    const c = await r.client();
    c.send('NICK frank');
    await c.sync();
    r.chat.enter('FRANK', 'ws');
    expect((await c.request('USER f 0 * :F', '433')).params[1]).toBe('frank');
    c.send('NICK frank2');
    expect((await c.waitFor('001')).params[0]).toBe('frank2');
  });

  it('changes the nick after registration with chat.rename: NICK to self and room mates, not a leave and a join', async () => {
    const r = await start({ nickChangeIntervalMs: 60_000 });
    const a = await r.member('alice');
    const b = await r.member('bob');
    await a.waitFor((l) => l.command === 'JOIN' && l.source?.startsWith('bob!') === true);
    r.chat.enter('carol', 'ws');
    expect((await a.request('NICK Carol', '433')).params.slice(0, 2)).toEqual(['alice', 'Carol']);
    const nick = await a.request('NICK alicia', 'NICK');
    expect(nick.source).toBe('alice!alice@irc.netroom');
    expect(nick.params).toEqual(['alicia']);
    expect(r.chat.find('alice')).toBeUndefined();
    expect(r.chat.find('alicia')?.door).toBe('irc');
    const seen = await b.waitFor('NICK');
    expect(seen.source).toBe('alice!alice@irc.netroom');
    expect(seen.params).toEqual(['alicia']);
    expect(r.events.at(-1)?.kind).toBe('rename');
    // Still in #lobby under the new nick.
    a.send('PRIVMSG #lobby :still here');
    expect((await b.waitFor('PRIVMSG')).source).toBe('alicia!alice@irc.netroom');
    expect((await a.request('NICK alice2', '438')).params[1]).toBe('alice2');
    expect(r.chat.find('alicia')).toBeDefined();
    // WHOWAS remembers the old nick.
    expect((await b.request('WHOWAS alice', '314')).params.slice(1, 4)).toEqual(['alice', 'alice', 'irc.netroom']);
    await b.waitFor('369');
    expect((await b.sync()).filter((l) => l.command === 'QUIT' || l.command === 'PART')).toEqual([]);
  });
});
