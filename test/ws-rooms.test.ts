// Rooms and direct messages through the WebSocket door over real sockets: join/part/topic, who, rooms, DMs, quits, resume, old clients.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Member } from '../src/core/chat/types.js';
import type { ServerMessage, WireEvent } from '../src/doors/ws/messages.js';
import { wsRigPerTest, type TestWsClient } from './helpers/ws.js';

const start = wsRigPerTest();

type Joined = Extract<ServerMessage, { type: 'joined' }>;

/** Join a room, failing the test unless `joined` comes back. */
async function join(client: TestWsClient, room: string, key?: string): Promise<Joined> {
  const answer = await client.ask(key === undefined ? { type: 'join', room } : { type: 'join', room, key }, 'joined');
  if (answer.type !== 'joined') throw new Error(`join ${room}: ${JSON.stringify(answer)}`);
  return answer;
}

/** The next event matching `test`. */
async function nextEvent(client: TestWsClient, test: (e: WireEvent) => boolean): Promise<WireEvent> {
  const m = await client.waitFor((x) => x.type === 'event' && test(x.event));
  if (m.type !== 'event') throw new Error('not an event');
  return m.event;
}

/** A marker announced to everyone: once a client has it, it has everything sent before it. */
async function sync(r: { chat: { announce(text: string): void } }, clients: TestWsClient[], marker: string): Promise<void> {
  r.chat.announce(marker);
  for (const c of clients) await c.notice(`[admin] ${marker}`);
}

describe('WS rooms: join, part, topic', () => {
  it('join answers joined with the room, its members and history; the others hear it; part answers parted', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const first = await join(alice, '#dev');
    expect(first.room).toMatchObject({ name: '#dev', topic: '', size: 1 });
    expect(first.members).toEqual(['alice']);
    expect(first.history.map((e) => e.notice)).toEqual(['alice joined #dev']);
    const second = await join(bob, '#Dev'); // any case: the room as created
    expect(second.room.name).toBe('#dev');
    expect(second.members).toEqual(['alice', 'bob']);
    expect(await nextEvent(alice, (e) => e.kind === 'join' && e.room === '#dev')).toMatchObject({ name: 'bob', notice: 'bob joined #dev' });
    // Joining again changes nothing and answers the same way.
    expect((await join(bob, '#dev')).members).toEqual(['alice', 'bob']);

    alice.send({ type: 'topic', room: '#dev', topic: 'release on Friday' });
    for (const c of [alice, bob]) {
      expect(await nextEvent(c, (e) => e.kind === 'topic')).toMatchObject({ room: '#dev', name: 'alice', text: 'release on Friday' });
    }
    expect(await bob.ask({ type: 'part', room: '#dev' }, 'parted')).toEqual({ type: 'parted', room: '#dev' });
    expect(await nextEvent(alice, (e) => e.kind === 'leave')).toMatchObject({ room: '#dev', name: 'bob', reason: 'part', notice: 'bob left #dev' });
    expect(r.chat.members('#dev').map((m) => m.name)).toEqual(['alice']);
    // bob's own join and part never came back to him.
    expect(bob.events().filter((e) => e.room === '#dev' && e.name === 'bob' && e.kind !== 'topic')).toEqual([]);
  });

  it('refuses with the core codes: bad room names, parting a room one is not in, topics of others under +t', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    expect(await alice.ask({ type: 'join', room: 'dev' }, 'joined')).toMatchObject({ type: 'error', code: 'BAD_ROOM', about: 'join' });
    // The core judges the characters (its code for a blank in a name).
    expect(await alice.ask({ type: 'join', room: '#a b' }, 'joined')).toMatchObject({ type: 'error', about: 'join', message: expect.stringMatching(/room name/u) as unknown });
    expect(await alice.ask({ type: 'part', room: '#nowhere' }, 'parted')).toMatchObject({ code: 'NO_SUCH_ROOM', about: 'part' });
    await join(alice, '#dev');
    expect(await bob.ask({ type: 'part', room: '#dev' }, 'parted')).toMatchObject({ code: 'NOT_IN_ROOM' });
    await join(bob, '#dev');
    // alice created #dev: its operator; +t is on by default, so bob may not set the topic.
    expect(await bob.ask({ type: 'topic', room: '#dev', topic: 'mine' }, 'members')).toMatchObject({ code: 'NOT_OPERATOR', about: 'topic' });
  });

  it('--rooms admin: members cannot create rooms (PERMISSION_DENIED) but join existing ones', async () => {
    const r = await start({ rooms: 'admin' });
    const alice = await r.member('alice');
    expect(await alice.ask({ type: 'join', room: '#new' }, 'joined')).toMatchObject({ code: 'PERMISSION_DENIED', about: 'join' });
    expect((await join(alice, '#lobby')).room.name).toBe('#lobby');
  });
});

describe('WS rooms: who it reaches', () => {
  it('say to a room reaches only its members, never its author; NOT_IN_ROOM / NO_SUCH_ROOM otherwise', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    await join(alice, '#dev');
    await join(bob, '#dev');
    alice.send({ type: 'say', room: '#dev', text: 'builds are green' });
    expect(await nextEvent(bob, (e) => e.kind === 'message')).toMatchObject({ room: '#dev', name: 'alice', text: 'builds are green', notice: '[#dev] alice: builds are green' });
    await sync(r, [alice, bob, carol], 'after-dev');
    expect(carol.events().filter((e) => e.room === '#dev')).toEqual([]);
    expect(alice.events().filter((e) => e.kind === 'message')).toEqual([]);
    expect(await carol.ask({ type: 'say', room: '#dev', text: 'let me in' }, 'members')).toMatchObject({ code: 'NOT_IN_ROOM', about: 'say' });
    expect(await carol.ask({ type: 'say', room: '#void', text: 'hello?' }, 'members')).toMatchObject({ code: 'NO_SUCH_ROOM', about: 'say' });
  });

  it('a direct message reaches both sides (the sender its own copy) and nobody else, both ways, across doors', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    alice.send({ type: 'say', to: 'BOB', text: 'lunch?' });
    const got = await nextEvent(bob, (e) => e.kind === 'dm');
    expect(got).toMatchObject({ kind: 'dm', name: 'alice', to: 'bob', text: 'lunch?', notice: 'alice (private): lunch?' });
    expect(got).not.toHaveProperty('room');
    expect(await nextEvent(alice, (e) => e.kind === 'dm')).toEqual(got); // rendered once: the same event
    bob.send({ type: 'say', to: 'alice', text: 'yes' });
    expect(await nextEvent(alice, (e) => e.kind === 'dm')).toMatchObject({ name: 'bob', to: 'alice', text: 'yes' });
    expect(await nextEvent(bob, (e) => e.kind === 'dm')).toMatchObject({ name: 'bob', to: 'alice', text: 'yes' });
    // A member of another door (the seed UDP door's kind) writes to a WebSocket member.
    const udp = r.chat.enter('udpuser', 'udp');
    r.chat.dm(udp, 'carol', 'from udp');
    expect(await nextEvent(carol, (e) => e.kind === 'dm')).toMatchObject({ name: 'udpuser', to: 'carol', text: 'from udp' });
    await sync(r, [alice, bob, carol], 'after-dms');
    expect(carol.events().filter((e) => e.kind === 'dm').map((e) => e.text)).toEqual(['from udp']);
    expect(await alice.ask({ type: 'say', to: 'nobody', text: 'hi' }, 'members')).toMatchObject({ code: 'NO_SUCH_MEMBER', about: 'say' });
  });

  it('a member leaving the server is one leave per shared room, each seen once, by that room only', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    for (const c of [alice, bob]) await join(c, '#dev');
    await join(bob, '#ops');
    bob.send({ type: 'leave' });
    await bob.nextOf('left');
    await sync(r, [alice, carol], 'after-quit');
    const leaves = (c: TestWsClient): WireEvent[] => c.events().filter((e) => e.kind === 'leave');
    expect(leaves(alice).map((e) => [e.room, e.name, e.reason, e.notice])).toEqual([
      ['#lobby', 'bob', 'quit', 'bob left the room'],
      ['#dev', 'bob', 'quit', 'bob left #dev'],
    ]);
    expect(leaves(carol).map((e) => e.room)).toEqual(['#lobby']);
    // Each has the id of its own row in that room's history.
    const page = await alice.ask({ type: 'history', room: '#dev' }, 'history');
    if (page.type !== 'history') throw new Error(JSON.stringify(page));
    expect(page.events.filter((e) => e.kind === 'leave')).toEqual([leaves(alice)[1]]);
  });

  it('who: a room its members, without a room everyone connected; a secret room is no room to others', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    await join(alice, '#dev');
    r.chat.connect('ircuser', 'irc'); // connected, in no room
    expect(await bob.ask({ type: 'who', room: '#dev' }, 'members')).toEqual({ type: 'members', room: '#dev', members: ['alice'], ops: ['alice'] });
    expect(await bob.ask({ type: 'who' }, 'members')).toEqual({ type: 'members', members: ['alice', 'bob', 'ircuser'] });
    r.chat.setModes(r.chat.find('alice') as Member, '#dev', [{ mode: 's', on: true }]);
    expect(await bob.ask({ type: 'who', room: '#dev' }, 'members')).toMatchObject({ type: 'error', code: 'NO_SUCH_ROOM', about: 'who' });
    expect(await alice.ask({ type: 'who', room: '#dev' }, 'members')).toMatchObject({ members: ['alice'] });
  });

  it('rooms lists the rooms with size and topic, secret ones only to their members, keys only to members', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    await join(alice, '#dev');
    await join(alice, '#hidden');
    await join(alice, '#locked');
    const a = r.chat.find('alice') as Member;
    r.chat.setModes(a, '#hidden', [{ mode: 's', on: true }]);
    r.chat.setModes(a, '#locked', [{ mode: 'k', on: true, arg: 'sesame' }]);
    r.chat.setTopic(a, '#dev', 'builds');
    const listed = await bob.ask({ type: 'rooms' }, 'rooms');
    if (listed.type !== 'rooms') throw new Error(JSON.stringify(listed));
    expect(listed.rooms.map((x) => [x.name, x.size, x.topic])).toEqual([
      ['#dev', 1, 'builds'],
      ['#lobby', 2, ''],
      ['#locked', 1, ''],
    ]);
    expect(listed.rooms.find((x) => x.name === '#locked')?.modes.key).toBe('*');
    const own = await alice.ask({ type: 'rooms' }, 'rooms');
    if (own.type !== 'rooms') throw new Error(JSON.stringify(own));
    expect(own.rooms.map((x) => x.name)).toEqual(['#dev', '#hidden', '#lobby', '#locked']);
    expect(own.rooms.find((x) => x.name === '#locked')?.modes.key).toBe('sesame');
    // Before entering, too.
    const anonymous = await r.client();
    const seen = await anonymous.ask({ type: 'rooms' }, 'rooms');
    expect(seen.type === 'rooms' && seen.rooms.map((x) => x.name)).toEqual(['#dev', '#lobby', '#locked']);
    expect(await bob.ask({ type: 'join', room: '#locked', key: 'wrong' }, 'joined')).toMatchObject({ code: 'BAD_KEY' });
    expect((await join(bob, '#locked', 'sesame')).members).toEqual(['alice', 'bob']);
  });
});

describe('WS rooms: resume and old clients', () => {
  it('a member resumed within the leave grace keeps all its rooms: welcome lists them, their events reach it', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const old = await r.client();
    await old.nextOf('hello');
    const first = await old.enter('bob');
    for (const c of [alice, old]) await join(c, '#dev');
    const parked = once(r.plugin.door, 'parked');
    old.ws.terminate();
    await parked;
    const fresh = await r.client();
    const welcome = await fresh.enter('bob', first.resume);
    expect(welcome.rooms.map((x) => x.name).sort()).toEqual(['#dev', '#lobby']);
    alice.send({ type: 'say', room: '#dev', text: 'still there?' });
    expect(await nextEvent(fresh, (e) => e.kind === 'message')).toMatchObject({ room: '#dev', text: 'still there?' });
    expect(alice.events().filter((e) => e.kind === 'leave' || (e.kind === 'join' && e.name === 'bob' && e.room === '#lobby'))).toHaveLength(1);
  });

  it('an old single-room client (enter, say, who, leave with their old shapes) works in #lobby as before', async () => {
    const r = await start({ history: true });
    const modern = await r.member('modern');
    await join(modern, '#dev');
    const old = await r.client();
    await old.nextOf('hello');
    old.send('{"type":"enter","name":"oldie"}');
    const welcome = await old.nextOf('welcome');
    expect(welcome).toMatchObject({ name: 'oldie', members: ['modern', 'oldie'] });
    expect(welcome.history.map((e) => e.notice)).toEqual(['modern joined the room', 'oldie joined the room']);
    old.send('{"type":"say","text":"hello all"}');
    expect(await nextEvent(modern, (e) => e.kind === 'message')).toMatchObject({ room: '#lobby', name: 'oldie', notice: 'oldie: hello all' });
    modern.send({ type: 'say', text: 'hi oldie' }); // no room: #lobby
    modern.send({ type: 'say', room: '#dev', text: 'not for oldie' });
    expect(await old.notice('modern: hi oldie')).toBeTruthy();
    old.send('{"type":"who"}');
    expect(await old.nextOf('members')).toEqual({ type: 'members', members: ['modern', 'oldie'] });
    old.send('{"type":"leave"}');
    expect(await old.nextOf('left')).toEqual({ type: 'left' });
    expect(await nextEvent(modern, (e) => e.kind === 'leave')).toMatchObject({ room: '#lobby', notice: 'oldie left the room' });
    expect(old.notices()).not.toContain('[#dev] modern: not for oldie');
    expect(old.events().every((e) => e.room === '#lobby')).toBe(true);
  });
});
