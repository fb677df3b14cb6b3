// History pages and search through the WebSocket door, with the SQLite store: paging backwards, and who may read what.
import { describe, expect, it } from 'vitest';
import type { Member } from '../src/core/chat/types.js';
import type { ServerMessage } from '../src/doors/ws/messages.js';
import { wsRigPerTest, type TestWsClient } from './helpers/ws.js';

const start = wsRigPerTest();

type History = Extract<ServerMessage, { type: 'history' }>;

async function page(client: TestWsClient, request: object): Promise<History> {
  const answer = await client.ask({ type: 'history', ...request }, 'history');
  if (answer.type !== 'history') throw new Error(JSON.stringify(answer));
  return answer;
}

async function search(client: TestWsClient, query: string, extra: object = {}): Promise<string[]> {
  const answer = await client.ask({ type: 'search', query, ...extra }, 'results');
  if (answer.type !== 'results') throw new Error(JSON.stringify(answer));
  return answer.events.map((e) => e.text ?? '');
}

async function joinRoom(client: TestWsClient, room: string): Promise<void> {
  const answer = await client.ask({ type: 'join', room }, 'joined');
  if (answer.type !== 'joined') throw new Error(JSON.stringify(answer));
}

describe('WS history pages', () => {
  it('pages a room backwards with before/limit, oldest first, more until the start', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    await joinRoom(alice, '#dev');
    await joinRoom(bob, '#dev');
    for (let i = 1; i <= 7; i++) alice.send({ type: 'say', room: '#dev', text: `m${i}` });
    await bob.notice('[#dev] alice: m7');
    const texts = (p: History): string[] => p.events.map((e) => e.text ?? e.notice);

    const newest = await page(bob, { room: '#dev', limit: 3 });
    expect(newest.room).toBe('#dev');
    expect(texts(newest)).toEqual(['m5', 'm6', 'm7']);
    expect(newest.more).toBe(true);
    const older = await page(bob, { room: '#dev', limit: 3, before: newest.events[0]?.id });
    expect(texts(older)).toEqual(['m2', 'm3', 'm4']);
    expect(older.more).toBe(true);
    const oldest = await page(bob, { room: '#dev', limit: 3, before: older.events[0]?.id });
    expect(texts(oldest)).toEqual(['alice joined #dev', 'bob joined #dev', 'm1']);
    expect(oldest.more).toBe(false);
    // The default page is the newest 50; #lobby when no room is named.
    expect(texts(await page(bob, { room: '#dev' }))).toHaveLength(9);
    expect((await page(bob, {})).room).toBe('#lobby');
    // The live events carried the ids the pages have.
    const live = bob.events().filter((e) => e.kind === 'message');
    expect(live.map((e) => e.id)).toEqual([...oldest.events.slice(2), ...older.events, ...newest.events].map((e) => e.id));
  });

  it('pages a conversation with a member, for its two sides only', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    for (const text of ['one', 'two', 'three']) alice.send({ type: 'say', to: 'bob', text });
    bob.send({ type: 'say', to: 'alice', text: 'four' });
    await alice.notice('bob (private): four');
    const mine = await page(alice, { with: 'bob', limit: 2 });
    expect(mine).toMatchObject({ type: 'history', with: 'bob', more: true });
    expect(mine.events.map((e) => [e.name, e.to, e.text])).toEqual([
      ['alice', 'bob', 'three'],
      ['bob', 'alice', 'four'],
    ]);
    expect((await page(bob, { with: 'alice' })).events.map((e) => e.text)).toEqual(['one', 'two', 'three', 'four']);
    // carol asking "with alice" reads carol's conversation with alice: there is none.
    expect((await page(carol, { with: 'alice' })).events).toEqual([]);
    expect((await page(carol, { with: 'bob' })).events).toEqual([]);
    const anonymous = await r.client();
    expect(await anonymous.ask({ type: 'history', with: 'bob' }, 'history')).toMatchObject({ type: 'error', code: 'NOT_IN_ROOM', about: 'history' });
  });

  it("a room's history only where one may read it: secret rooms are no rooms to others, invite-only ones are refused", async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const carol = await r.member('carol');
    await joinRoom(alice, '#hidden');
    await joinRoom(alice, '#club');
    const a = r.chat.find('alice') as Member;
    r.chat.setModes(a, '#hidden', [{ mode: 's', on: true }]);
    r.chat.setModes(a, '#club', [{ mode: 'i', on: true }]);
    alice.send({ type: 'say', room: '#hidden', text: 'hush' });
    alice.send({ type: 'say', room: '#club', text: 'members only' });
    expect(await carol.ask({ type: 'history', room: '#hidden' }, 'history')).toMatchObject({ type: 'error', code: 'NO_SUCH_ROOM', about: 'history' });
    expect(await carol.ask({ type: 'history', room: '#club' }, 'history')).toMatchObject({ type: 'error', code: 'PERMISSION_DENIED' });
    expect(await carol.ask({ type: 'history', room: '#nowhere' }, 'history')).toMatchObject({ type: 'error', code: 'NO_SUCH_ROOM' });
    expect((await page(alice, { room: '#hidden' })).events.map((e) => e.text)).toContain('hush');
    // A public room's history is there before entering too.
    const anonymous = await r.client();
    expect((await page(anonymous, { room: '#lobby' })).events.map((e) => e.notice)).toContain('carol joined the room');
  });
});

describe('WS search', () => {
  it('searches what one may read: rooms one is in or public, one\'s own conversations; never others\' DMs or secret rooms', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    await joinRoom(alice, '#hidden');
    await joinRoom(alice, '#dev');
    r.chat.setModes(r.chat.find('alice') as Member, '#hidden', [{ mode: 's', on: true }]);
    alice.send({ type: 'say', room: '#hidden', text: 'zebra in the secret room' });
    alice.send({ type: 'say', room: '#dev', text: 'zebra in dev' });
    alice.send({ type: 'say', to: 'bob', text: 'zebra between us' });
    alice.send({ type: 'say', text: 'zebra in the lobby' });
    await bob.notice('alice: zebra in the lobby');

    expect((await search(alice, 'zebra')).sort()).toEqual(['zebra between us', 'zebra in dev', 'zebra in the lobby', 'zebra in the secret room']);
    expect((await search(bob, 'zebra')).sort()).toEqual(['zebra between us', 'zebra in dev', 'zebra in the lobby']);
    expect((await search(carol, 'zebra')).sort()).toEqual(['zebra in dev', 'zebra in the lobby']);
    // Newest first; limit and before page through results.
    expect(await search(alice, 'zebra', { limit: 2 })).toEqual(['zebra in the lobby', 'zebra between us']);
    const anonymous = await r.client();
    expect((await search(anonymous, 'zebra')).sort()).toEqual(['zebra in dev', 'zebra in the lobby']);
    expect(await anonymous.ask({ type: 'search', query: ' ' }, 'results')).toMatchObject({ type: 'error', code: 'BAD_REQUEST', about: 'search' });
  });

  it('lists one\'s conversations, newest first', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    await r.member('bob');
    const carol = await r.member('carol');
    alice.send({ type: 'say', to: 'bob', text: 'hi bob' });
    alice.send({ type: 'say', to: 'carol', text: 'hi carol' });
    await carol.notice('alice (private): hi carol');
    const answer = await alice.ask({ type: 'conversations' }, 'conversations');
    expect(answer.type === 'conversations' && answer.conversations.map((c) => c.with)).toEqual(['carol', 'bob']);
    const theirs = await carol.ask({ type: 'conversations' }, 'conversations');
    expect(theirs.type === 'conversations' && theirs.conversations.map((c) => c.with)).toEqual(['alice']);
  });
});
