// Moderation over the WebSocket door with real sockets: who may kick, ban and mute (room operator, non-operator, admin), and what each one does.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, WireEvent } from '../src/doors/ws/messages.js';
import { wsRigPerTest, type TestWsClient, type WsRig } from './helpers/ws.js';

const start = wsRigPerTest();

/** A rig with an admin account `root` signed in by token, and a connection for it entered. */
async function withAdmin(): Promise<{ r: WsRig; root: TestWsClient }> {
  const r = await start({ access: {} });
  const access = r.access;
  if (!access) throw new Error('no access');
  await access.accounts.add('root', 'correct horse battery', 'admin');
  const token = access.credentials.create('root', 'token', 'test').secret;
  const root = await r.client({ headers: { authorization: `Bearer ${token}` } });
  await root.nextOf('hello');
  root.send({ type: 'enter' });
  expect(await root.nextOf('welcome')).toMatchObject({ name: 'root', account: { name: 'root', role: 'admin' } });
  return { r, root };
}

async function join(client: TestWsClient, room: string): Promise<void> {
  const answer = await client.ask({ type: 'join', room }, 'joined');
  if (answer.type !== 'joined') throw new Error(`join ${room}: ${JSON.stringify(answer)}`);
}

async function nextEvent(client: TestWsClient, test: (e: WireEvent) => boolean): Promise<WireEvent> {
  const m = await client.waitFor((x) => x.type === 'event' && test(x.event));
  if (m.type !== 'event') throw new Error('not an event');
  return m.event;
}

/** Send a moderation request; its answer (`moderated`, `restrictions`) or error. */
async function act(client: TestWsClient, message: object): Promise<ServerMessage> {
  client.send(message);
  return client.waitFor((m) => m.type === 'moderated' || m.type === 'restrictions' || m.type === 'error');
}

describe('WS moderation rights', () => {
  it('a room operator kicks from its room; a non-operator is refused; server-wide acts need an admin', async () => {
    const { r } = await withAdmin();
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    await join(alice, '#dev'); // alice founds #dev: its operator
    await join(bob, '#dev');
    await join(carol, '#dev');
    const joined = await alice.ask({ type: 'who', room: '#dev' }, 'members');
    expect(joined).toMatchObject({ members: ['alice', 'bob', 'carol'], ops: ['alice'] });

    expect(await act(carol, { type: 'kick', room: '#dev', name: 'bob' })).toMatchObject({ type: 'error', code: 'NOT_OPERATOR', about: 'kick' });
    expect(await act(carol, { type: 'ban', kind: 'name', value: 'bob', room: '#dev' })).toMatchObject({ code: 'NOT_OPERATOR', about: 'ban' });
    expect(await act(alice, { type: 'kick', name: 'bob' })).toMatchObject({ code: 'PERMISSION_DENIED', about: 'kick' });
    expect(await act(alice, { type: 'ban', kind: 'name', value: 'bob' })).toMatchObject({ code: 'PERMISSION_DENIED', about: 'ban' });
    expect(await act(alice, { type: 'restrictions' })).toMatchObject({ code: 'PERMISSION_DENIED', about: 'restrictions' });
    expect(r.chat.members('#dev').map((m) => m.name)).toEqual(['alice', 'bob', 'carol']);

    expect(await act(alice, { type: 'kick', room: '#dev', name: 'bob', reason: 'off topic' })).toEqual({ type: 'moderated', about: 'kick' });
    // The room hears it as a leave with reason kicked, bob included; bob stays connected, in #lobby.
    for (const c of [carol, bob]) {
      expect(await nextEvent(c, (e) => e.kind === 'leave' && e.room === '#dev')).toMatchObject({ name: 'bob', reason: 'kicked', text: 'by alice: off topic' });
    }
    expect(r.chat.members('#dev').map((m) => m.name)).toEqual(['alice', 'carol']);
    expect(r.chat.find('bob')).toBeDefined();
  });

  it('an admin removes a member from the server: it gets KICKED and close 4003, the others a leave', async () => {
    const { r, root } = await withAdmin();
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    expect(await act(root, { type: 'kick', name: 'BOB', reason: 'spam' })).toEqual({ type: 'moderated', about: 'kick' });
    expect(await bob.nextOf('error')).toEqual({ type: 'error', code: 'KICKED', message: 'removed by root: spam' });
    expect(await bob.closed).toEqual({ code: 4003, reason: 'kicked' });
    expect(await nextEvent(carol, (e) => e.kind === 'leave' && e.name === 'bob')).toMatchObject({ room: '#lobby', reason: 'kicked' });
    expect(r.chat.find('bob')).toBeUndefined();
    expect(r.plugin.door.size).toBe(2);
  });

  it('a server ban by name: BANNED and 4003; its resume token does not bring it back, nor does entering again', async () => {
    const { r, root } = await withAdmin();
    const bob = await r.client();
    await bob.nextOf('hello');
    const welcome = await bob.enter('bob');
    const carol = await r.member('carol');
    expect(await act(root, { type: 'ban', kind: 'name', value: 'bob', reason: 'troll', durationMs: 3_600_000 })).toEqual({ type: 'moderated', about: 'ban' });
    expect(await bob.nextOf('error')).toMatchObject({ code: 'BANNED', message: expect.stringContaining('troll') as unknown });
    expect((await bob.closed).code).toBe(4003);
    // The room is told, as a moderation event.
    expect(await nextEvent(carol, (e) => e.kind === 'moderation')).toMatchObject({ reason: 'ban', name: 'root', to: 'bob', room: '#lobby' });
    const back = await r.client();
    await back.nextOf('hello');
    expect(await back.tryEnter('bob', welcome.resume)).toMatchObject({ type: 'error', code: 'BANNED', about: 'enter' });
    // Listed, then lifted.
    const listed = await act(root, { type: 'restrictions' });
    expect(listed).toMatchObject({ type: 'restrictions', restrictions: [{ type: 'ban', kind: 'name', value: 'bob', room: null, by: 'root', reason: 'troll' }] });
    expect(await act(root, { type: 'unban', kind: 'name', value: 'bob' })).toEqual({ type: 'moderated', about: 'unban' });
    expect((await back.enter('bob')).name).toBe('bob');
  });

  it('a ban by address keeps whoever comes from it out on re-enter, under any name', async () => {
    const { r, root } = await withAdmin();
    const dave = await r.member('dave');
    expect(await act(root, { type: 'ban', kind: 'address', value: '127.0.0.0/8' })).toEqual({ type: 'moderated', about: 'ban' });
    expect(await dave.nextOf('error')).toMatchObject({ code: 'BANNED' });
    expect((await dave.closed).code).toBe(4003);
    const again = await r.client();
    await again.nextOf('hello');
    expect(await again.tryEnter('dave')).toMatchObject({ type: 'error', code: 'BANNED' });
    expect(await again.tryEnter('someone_else')).toMatchObject({ type: 'error', code: 'BANNED' });
    // The admin who banned it is still there (admins are never removed by a ban).
    expect(r.chat.find('root')).toBeDefined();
  });

  it('a room ban removes from the room and keeps out of it; a room mute silences there only, until unmuted', async () => {
    const { r, root } = await withAdmin();
    const alice = await r.member('alice');
    const carol = await r.member('carol');
    await join(alice, '#dev');
    await join(carol, '#dev');
    expect(await act(alice, { type: 'mute', kind: 'name', value: 'carol', room: '#dev' })).toEqual({ type: 'moderated', about: 'mute' });
    expect(await nextEvent(carol, (e) => e.kind === 'moderation')).toMatchObject({ reason: 'mute', room: '#dev', to: 'carol' });
    expect(await carol.ask({ type: 'say', room: '#dev', text: 'hello?' }, 'members')).toMatchObject({ type: 'error', code: 'MUTED', about: 'say' });
    carol.send({ type: 'say', room: '#lobby', text: 'still here' });
    expect(await nextEvent(alice, (e) => e.kind === 'message')).toMatchObject({ room: '#lobby', text: 'still here' });
    // The room's operator lists its room's restrictions; an admin sees them all.
    expect(await act(alice, { type: 'restrictions', room: '#dev' })).toMatchObject({ restrictions: [{ type: 'mute', room: '#dev', value: 'carol' }] });
    expect(await act(carol, { type: 'restrictions', room: '#dev' })).toMatchObject({ code: 'NOT_OPERATOR' });
    expect(await act(alice, { type: 'unmute', kind: 'name', value: 'carol', room: '#dev' })).toEqual({ type: 'moderated', about: 'unmute' });
    carol.send({ type: 'say', room: '#dev', text: 'thanks' });
    expect(await nextEvent(alice, (e) => e.kind === 'message' && e.room === '#dev')).toMatchObject({ text: 'thanks' });

    expect(await act(alice, { type: 'ban', kind: 'name', value: 'carol', room: '#dev', reason: 'again' })).toEqual({ type: 'moderated', about: 'ban' });
    expect(await nextEvent(carol, (e) => e.kind === 'leave' && e.room === '#dev')).toMatchObject({ name: 'carol', reason: 'kicked' });
    expect(await carol.ask({ type: 'join', room: '#dev' }, 'joined')).toMatchObject({ type: 'error', code: 'BANNED', about: 'join' });
    expect(await act(root, { type: 'restrictions' })).toMatchObject({ restrictions: [{ type: 'ban', room: '#dev', value: 'carol' }] });
    // Still connected: a room ban is not a server ban.
    expect(r.chat.find('carol')).toBeDefined();
  });

  it('an admin may list and lift bans before entering; a guest that has not entered may not', async () => {
    const { r, root } = await withAdmin();
    expect(await act(root, { type: 'ban', kind: 'account', value: 'mallory' })).toEqual({ type: 'moderated', about: 'ban' });
    const stranger = await r.client();
    await stranger.nextOf('hello');
    expect(await act(stranger, { type: 'unban', kind: 'account', value: 'mallory' })).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await act(stranger, { type: 'kick', name: 'root' })).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await act(root, { type: 'unban', kind: 'account', value: 'nobody' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await act(root, { type: 'ban', kind: 'address', value: 'not an address' })).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
