// The seed UDP door on the rooms chat (issue 11): #lobby only, direct messages received, and the `M` extension to send them.
import { describe, expect, it } from 'vitest';
import { LOBBY, type Member } from '../src/core/chat/types.js';
import { padded, udpRigPerTest, joinedMembers, type UdpRig } from './helpers/udp.js';

const start = udpRigPerTest();

/** A member of another door (IRC-like: connected, in no room until it joins). */
function other(r: UdpRig, name: string, ...rooms: string[]): Member {
  const member = r.chat.connect(name, 'irc');
  for (const room of rooms) r.chat.join(member, room);
  return member;
}

describe('UDP door: #lobby only', () => {
  it('enters #lobby and nothing else', async () => {
    const r = await start();
    await r.member('alice');
    const alice = r.chat.find('alice');
    if (!alice) throw new Error('alice is not connected');
    expect(r.chat.roomsOf(alice)).toEqual([LOBBY]);
    expect(alice.door).toBe('udp');
  });

  it("never hears another room's joins, messages, parts or file notices; #lobby's, byte for byte as before", async () => {
    const r = await start();
    const a = await r.member('alice');
    const ira = other(r, 'ira', '#dev');
    r.chat.say(ira, '#dev', 'in dev');
    r.chat.fileShared('dev.txt', 10, 'ira', '#dev');
    r.chat.join(ira, LOBBY);
    // The first thing alice hears is ira arriving in #lobby: nothing of #dev came before it.
    expect((await a.nextBuffer()).equals(Buffer.from('\nira joined the room'))).toBe(true);
    r.chat.say(ira, '#dev', 'still dev');
    r.chat.say(ira, LOBBY, 'hello lobby');
    expect(await a.next()).toBe('\nira: hello lobby');
    r.chat.fileShared('docs/a.txt', 2048, 'ira');
    expect(await a.next()).toBe('\nira shared docs/a.txt (2.0 KiB)');
    r.chat.part(ira, '#dev');
    r.chat.part(ira, LOBBY, 'bye');
    // A part of #lobby reads as leaving the seeds' one room; the part of #dev never came.
    expect(await a.next()).toBe('\nira left the room');
  });

  it('hears the quit of a member who was in #lobby, not of one who was only elsewhere', async () => {
    const r = await start();
    const a = await r.member('alice');
    const dev = other(r, 'devonly', '#dev');
    const both = other(r, 'both', '#dev', LOBBY);
    expect(await a.next()).toBe('\nboth joined the room');
    r.chat.disconnect(dev, 'quit');
    r.chat.disconnect(both, 'quit', 'see you');
    expect(await a.next()).toBe('\nboth left the room');
    const never = other(r, 'never');
    r.chat.disconnect(never, 'disconnect');
    r.chat.announce('marker');
    expect(await a.next()).toBe('\n[admin] marker');
  });

  it('hears announcements, though the announcement is everyone’s, not a room’s', async () => {
    const r = await start();
    const a = await r.member('alice');
    other(r, 'ira', '#dev');
    r.chat.announce('maintenance at noon');
    expect(await a.next()).toBe('\n[admin] maintenance at noon');
  });

  it("leaves out #lobby's topics, modes, renames and away, which the seeds' room has no words for", async () => {
    const r = await start();
    const a = await r.member('alice');
    const ira = other(r, 'ira', LOBBY);
    expect(await a.next()).toBe('\nira joined the room');
    // Only administrators run #lobby (everyone's room): make alice one, as IRC OPER would.
    const alice = r.chat.find('alice');
    if (!alice) throw new Error('alice is not connected');
    r.chat.makeAdmin(alice);
    r.chat.setModes(alice, LOBBY, [{ mode: 'o', on: true, arg: 'ira' }]);
    r.chat.setTopic(ira, LOBBY, 'the lobby');
    r.chat.setModes(ira, LOBBY, [{ mode: 't', on: true }]);
    r.chat.setAway(ira, 'lunch');
    r.chat.rename(ira, 'ira2');
    r.chat.say(ira, LOBBY, 'marker');
    expect(await a.next()).toBe('\nira2: marker');
  });

  it('answers C with MODERATED when #lobby is +m and the member has no voice', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    const alice = r.chat.find('alice');
    if (!alice) throw new Error('alice is not connected');
    r.chat.makeAdmin(alice);
    r.chat.setModes(alice, LOBBY, [{ mode: 'm', on: true }]);
    expect(await b.request('C bob hi')).toMatch(/^\nERROR MODERATED: /);
    a.send('C alice admins speak');
    expect(await b.next()).toBe('\nalice: admins speak');
  });

  it('answers L with the refusal when #lobby is full (+l), and the name stays free', async () => {
    const r = await start();
    await r.member('alice');
    const alice = r.chat.find('alice');
    if (!alice) throw new Error('alice is not connected');
    r.chat.makeAdmin(alice);
    r.chat.setModes(alice, LOBBY, [{ mode: 'l', on: true, arg: '1' }]);
    const b = await r.client();
    expect(await b.request(padded('L bob'))).toMatch(/^ERROR ROOM_FULL: /);
    expect(r.chat.find('bob')).toBeUndefined();
    expect(r.door.peers.size).toBe(1);
    r.chat.setModes(alice, LOBBY, [{ mode: 'l', on: false }]);
    expect(await b.request('L bob')).toBe('OK');
  });
});

describe('UDP door: direct messages', () => {
  it('receives a direct message as "NAME (private): TEXT", only the addressee', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    const ira = other(r, 'ira', '#dev');
    r.chat.dm(ira, 'ALICE', 'psst\nsecond line');
    expect(await a.next()).toBe('\nira (private): psst\nira | second line');
    r.chat.say(ira, '#dev', 'x');
    a.send('C alice marker');
    // bob heard nothing private: his next datagram is alice's message.
    expect(await b.next()).toBe('\nalice: marker');
  });

  it("in zh, the seeds' style", async () => {
    const r = await start({ lang: 'zh' });
    const a = await r.member('张三');
    const ira = other(r, '李四');
    r.chat.dm(ira, '张三', '你好');
    expect(await a.next()).toBe('\n李四 私下说: 你好');
  });

  it('M NAME TO TEXT sends one (our extension): silent to the sender, refused for an unknown member', async () => {
    const r = await start();
    const [a, b, c] = await joinedMembers(r, 'alice', 'bob', 'carol');
    const dms: string[] = [];
    r.chat.subscribe((e) => {
      if (e.kind === 'dm') dms.push(`${e.name}>${e.to}:${e.text}`);
    });
    a.send('M alice BOB hi bob, just you');
    expect(await b.next()).toBe('\nalice (private): hi bob, just you');
    const ira = other(r, 'ira', '#dev');
    a.send('M alice ira across doors');
    expect(await a.request('M alice nobody hello?')).toMatch(/^\nERROR NO_SUCH_MEMBER: .*nobody/);
    expect(await a.request('M alice bob ')).toMatch(/^\nERROR EMPTY_MESSAGE: /);
    expect(await a.request('M alice')).toMatch(/^\nERROR BAD_REQUEST: .*M NAME TO TEXT/);
    expect(dms).toEqual(['alice>bob:hi bob, just you', 'alice>ira:across doors']);
    expect(r.chat.find('ira')).toBe(ira);
    // carol heard none of it: her next datagram is a lobby message.
    b.send('C bob marker');
    expect(await c.next()).toBe('\nbob: marker');
  });

  it('M is address-bound like C: impersonation and strangers are refused', async () => {
    const r = await start();
    const [a, mallory] = await joinedMembers(r, 'alice', 'mallory');
    const stranger = await r.client();
    expect(await mallory.request('M alice mallory fake')).toMatch(/^\nERROR NOT_IN_ROOM: /);
    // A stranger gets no more bytes than it sent.
    expect(await stranger.request('M alice mallory hi')).toBe('ERROR NOT_IN_ROOM');
    mallory.send('M mallory alice honest');
    expect(await a.next()).toBe('\nmallory (private): honest');
  });

  it('M to oneself arrives once', async () => {
    const r = await start();
    const a = await r.member('alice');
    a.send('M alice alice note to self');
    expect(await a.next()).toBe('\nalice (private): note to self');
  });

  it('M counts against the flood limit, as C does', async () => {
    const r = await start({ flood: { rate: 0.001, burst: 2 } });
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    a.send('M alice bob one');
    a.send('C alice two');
    expect(await a.request('M alice bob three')).toMatch(/^\nERROR RATE_LIMITED: /);
    expect(await b.next()).toBe('\nalice (private): one');
    expect(await b.next()).toBe('\nalice: two');
  });
});
