// HTTP chat API over real sockets: GET /api/rooms, /api/rooms/:room/history, /api/search, and uploads shared into a room.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../src/core/chat/types.js';
import type { WireEvent, WireRoom } from '../src/doors/ws/messages.js';
import { errorCode, fileUrl, nextChatEvent, request, startHttpRig, tree, type HttpRig } from './helpers/http.js';

let rig: HttpRig;
let alice: Member;
let bob: Member;

beforeAll(async () => {
  rig = await startHttpRig({ history: true });
  const { chat } = rig;
  alice = chat.enter('alice', 'ws');
  bob = chat.enter('bob', 'ws');
  for (const room of ['#dev', '#hidden', '#club']) chat.join(alice, room);
  chat.join(bob, '#dev');
  chat.setModes(alice, '#hidden', [{ mode: 's', on: true }]);
  chat.setModes(alice, '#club', [{ mode: 'i', on: true }]);
  chat.setTopic(alice, '#dev', 'release on Friday');
  for (let i = 1; i <= 5; i++) chat.say(alice, '#dev', `walrus ${i}`);
  chat.say(alice, '#hidden', 'walrus in hiding');
  chat.say(alice, '#club', 'walrus club');
  chat.dm(alice, 'bob', 'walrus between us');
});
afterAll(() => rig.close());

async function getJson<T>(pathname: string): Promise<{ status: number; body: T; code: string | undefined }> {
  const res = await request(rig.url(pathname));
  return { status: res.status, body: res.json<T>(), code: errorCode(res) };
}

describe('GET /api/rooms', () => {
  it('lists the rooms with size, topic and modes; secret rooms are hidden', async () => {
    const { status, body } = await getJson<{ rooms: WireRoom[] }>('/api/rooms');
    expect(status).toBe(200);
    expect(body.rooms.map((r) => [r.name, r.size, r.topic])).toEqual([
      ['#club', 1, ''],
      ['#dev', 2, 'release on Friday'],
      ['#lobby', 2, ''],
    ]);
    expect(body.rooms[0]?.modes).toMatchObject({ inviteOnly: true, secret: false });
  });
});

describe('GET /api/rooms/:room/history', () => {
  type Page = { room: string; events: WireEvent[]; more: boolean };

  it('pages a public room backwards with before and limit (the room as %23dev or dev)', async () => {
    const newest = await getJson<Page>('/api/rooms/%23dev/history?limit=2');
    expect(newest.status).toBe(200);
    expect(newest.body.room).toBe('#dev');
    expect(newest.body.events.map((e) => e.text)).toEqual(['walrus 4', 'walrus 5']);
    expect(newest.body.events[0]).toMatchObject({ kind: 'message', room: '#dev', name: 'alice', notice: '[#dev] alice: walrus 4' });
    expect(newest.body.more).toBe(true);
    const older = await getJson<Page>(`/api/rooms/dev/history?limit=50&before=${newest.body.events[0]?.id ?? 0}`);
    expect(older.body.events.map((e) => e.kind)).toEqual(['join', 'join', 'topic', 'message', 'message', 'message']);
    expect(older.body.more).toBe(false);
  });

  it('refuses secret rooms as unknown (404), invite-only ones (403), bad names and bad numbers (400)', async () => {
    expect(await getJson('/api/rooms/%23hidden/history')).toMatchObject({ status: 404, code: 'NO_SUCH_ROOM' });
    expect(await getJson('/api/rooms/%23nowhere/history')).toMatchObject({ status: 404, code: 'NO_SUCH_ROOM' });
    expect(await getJson('/api/rooms/%23club/history')).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    expect(await getJson('/api/rooms/%23a%2Cb/history')).toMatchObject({ status: 400 });
    for (const query of ['limit=0', 'limit=201', 'limit=x', 'before=0', 'before=-1', 'before=1.5', 'limit=1&limit=2']) {
      expect(await getJson(`/api/rooms/%23dev/history?${query}`), query).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
  });
});

describe('GET /api/search', () => {
  it('finds what anyone may read: public rooms, never direct messages, secret or invite-only rooms', async () => {
    const found = await getJson<{ query: string; events: WireEvent[] }>('/api/search?q=walrus&limit=3');
    expect(found.status).toBe(200);
    expect(found.body.query).toBe('walrus');
    expect(found.body.events.map((e) => e.text)).toEqual(['walrus 5', 'walrus 4', 'walrus 3']);
    const all = await getJson<{ events: WireEvent[] }>('/api/search?q=walrus');
    expect(all.body.events.map((e) => e.text).sort()).toEqual(['walrus 1', 'walrus 2', 'walrus 3', 'walrus 4', 'walrus 5']);
    expect(await getJson('/api/search')).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await getJson(`/api/search?q=${'x'.repeat(201)}`)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});

describe('PUT /files/PATH into a room', () => {
  it('?room=%23dev shares the notice into #dev; X-Netroom-Room too; #lobby by default', async () => {
    const intoDev = nextChatEvent(rig.chat, (e) => e.kind === 'file');
    expect((await request(`${fileUrl(rig, 'dev.txt')}?room=%23dev`, { method: 'PUT', body: 'abc' })).status).toBe(201);
    const event = await intoDev;
    expect(event).toMatchObject({ kind: 'file', room: '#dev', path: 'dev.txt', size: 3 });
    expect(event.audience.map((m) => m.name)).toEqual(['alice', 'bob']);
    const byHeader = nextChatEvent(rig.chat, (e) => e.kind === 'file');
    await request(fileUrl(rig, 'dev2.txt'), { method: 'PUT', body: 'abcd', headers: { 'x-netroom-room': '#DEV', 'x-netroom-name': 'bob' } });
    expect(await byHeader).toMatchObject({ room: '#dev', name: 'bob', path: 'dev2.txt' });
    const lobby = nextChatEvent(rig.chat, (e) => e.kind === 'file');
    await request(fileUrl(rig, 'lobby.txt'), { method: 'PUT', body: 'x' });
    expect(await lobby).toMatchObject({ room: '#lobby', path: 'lobby.txt' });
    // In the room's history, where a client paging it finds it.
    const page = await getJson<{ events: WireEvent[] }>('/api/rooms/dev/history?limit=2');
    expect(page.body.events.map((e) => [e.kind, e.path, e.notice])).toEqual([
      ['file', 'dev.txt', '[#dev] someone shared dev.txt (3 B)'],
      ['file', 'dev2.txt', '[#dev] bob shared dev2.txt (4 B)'],
    ]);
  });

  it('refuses an unknown room (404), a bad name or two different rooms (400) before storing a byte', async () => {
    const before = await tree(rig.root);
    const cases: [string, Record<string, string>, number, string][] = [
      ['?room=%23nowhere', {}, 404, 'NO_SUCH_ROOM'],
      ['', { 'x-netroom-room': '#nowhere' }, 404, 'NO_SUCH_ROOM'],
      ['?room=dev', {}, 400, 'BAD_ROOM'],
      ['?room=%23dev', { 'x-netroom-room': '#lobby' }, 400, 'BAD_REQUEST'],
      ['?room=%23hidden', {}, 404, 'NO_SUCH_ROOM'],
      ['?room=%23club', { 'x-netroom-name': 'bob' }, 403, 'PERMISSION_DENIED'],
    ];
    for (const [query, headers, status, code] of cases) {
      const res = await request(`${fileUrl(rig, 'refused.bin')}${query}`, { method: 'PUT', body: 'never stored', headers });
      expect([query, headers, res.status, errorCode(res)]).toEqual([query, headers, status, code]);
    }
    expect(await tree(rig.root)).toEqual(before);
    // A member of a secret room, naming itself, shares into it.
    const secret = nextChatEvent(rig.chat, (e) => e.kind === 'file');
    const res = await request(`${fileUrl(rig, 'hidden.txt')}?room=%23hidden`, { method: 'PUT', body: 'ok', headers: { 'x-netroom-name': 'alice' } });
    expect(res.status).toBe(201);
    expect(await secret).toMatchObject({ room: '#hidden', name: 'alice' });
    await fs.rm(path.join(rig.root, 'hidden.txt'));
  });
});
