// Editing, deleting and typing through the WebSocket door (issue 14): two real clients, the SQLite history, refusals, direct messages, zh notices.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, WireEvent } from '../src/doors/ws/messages.js';
import { wsRigPerTest, type TestWsClient } from './helpers/ws.js';

const start = wsRigPerTest();

type EventMessage = Extract<ServerMessage, { type: 'event' }>;

/** The next event of `kind` a client gets. */
async function nextEvent(client: TestWsClient, kind: WireEvent['kind']): Promise<WireEvent> {
  const m = await client.waitFor<EventMessage>((x) => x.type === 'event' && x.event.kind === kind);
  return m.event;
}

/** `author` says `text` in #lobby; the id comes from `watcher`, who hears it live. */
async function said(author: TestWsClient, watcher: TestWsClient, text: string): Promise<number> {
  author.send({ type: 'say', text });
  const m = await watcher.waitFor<EventMessage>((x) => x.type === 'event' && x.event.kind === 'message' && x.event.text === text);
  return m.event.id;
}

describe('WS door: edit and delete', () => {
  it('an edit and a delete reach both sides (id 0, target, author, notice); history after a reconnect shows the edited text and the tombstone', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const typo = await said(alice, bob, 'helo wrold');
    const oops = await said(alice, bob, 'my password is hunter2');
    const kept = await said(bob, alice, 'unchanged');
    expect(typo).toBeGreaterThan(0);

    alice.send({ type: 'edit', id: typo, text: 'hello world' });
    for (const c of [alice, bob]) {
      const edit = await nextEvent(c, 'edit');
      expect(edit).toEqual({ id: 0, at: edit.at, kind: 'edit', target: typo, room: '#lobby', author: 'alice', name: 'alice', text: 'hello world', notice: 'alice edited: hello world' });
    }
    alice.send({ type: 'delete', id: oops });
    for (const c of [alice, bob]) {
      const del = await nextEvent(c, 'delete');
      expect(del).toEqual({ id: 0, at: del.at, kind: 'delete', target: oops, room: '#lobby', author: 'alice', name: 'alice', notice: 'alice deleted a message' });
    }

    // Alice comes back on a new connection: her welcome's history has the changes, in place.
    alice.send({ type: 'leave' });
    await alice.nextOf('left');
    await bob.notice('alice left the room');
    alice.close();
    const again = await r.client();
    await again.nextOf('hello');
    const welcome = await again.enter('alice');
    const byId = new Map(welcome.history.map((e) => [e.id, e]));
    expect(byId.get(typo)).toMatchObject({ kind: 'message', text: 'hello world', notice: 'alice: hello world (edited)' });
    expect(byId.get(typo)?.edited).toBeGreaterThan(0);
    expect(byId.get(oops)).toMatchObject({ kind: 'message', name: 'alice', text: '', deleted: true, notice: 'alice: (message deleted)' });
    expect(byId.get(kept)).not.toHaveProperty('edited');
    // A history page and a search say the same.
    const page = await again.ask({ type: 'history', room: '#lobby' }, 'history');
    if (page.type !== 'history') throw new Error(JSON.stringify(page));
    expect(page.events.find((e) => e.id === oops)).toMatchObject({ deleted: true, text: '' });
    const found = await again.ask({ type: 'search', query: 'hunter2' }, 'results');
    expect(found).toMatchObject({ type: 'results', events: [] });
    const edited = await again.ask({ type: 'search', query: 'hello world' }, 'results');
    if (edited.type !== 'results') throw new Error(JSON.stringify(edited));
    expect(edited.events.map((e) => [e.id, e.text, e.edited !== undefined])).toEqual([[typo, 'hello world', true]]);
  });

  it('an edit of a message just sent (its row still queued) finds it', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    // Both frames in one go: the edit is handled in the same turn as the say, before the store wrote its row.
    const id = (r.history ? await r.history.recent({ room: '#lobby' }, 1) : [])[0]?.id ?? 0;
    alice.send({ type: 'say', text: 'fast' });
    alice.send({ type: 'edit', id: id + 1, text: 'faster' });
    expect(await nextEvent(bob, 'edit')).toMatchObject({ target: id + 1, text: 'faster' });
  });

  it('refusals come back as errors about the request, and change nothing', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const id = await said(alice, bob, 'mine');
    expect(await bob.ask({ type: 'edit', id, text: 'yours now' }, 'error')).toMatchObject({ type: 'error', code: 'PERMISSION_DENIED', about: 'edit' });
    expect(await bob.ask({ type: 'delete', id }, 'error')).toMatchObject({ type: 'error', code: 'PERMISSION_DENIED', about: 'delete' });
    expect(await alice.ask({ type: 'edit', id: id + 100, text: 'x' }, 'error')).toMatchObject({ type: 'error', code: 'NOT_FOUND', about: 'edit' });
    expect(await alice.ask({ type: 'edit', id, text: '   ' }, 'error')).toMatchObject({ type: 'error', code: 'EMPTY_MESSAGE', about: 'edit' });
    expect(await alice.ask({ type: 'edit', id: 'seven', text: 'x' }, 'error')).toMatchObject({ type: 'error', code: 'BAD_REQUEST', about: 'edit' });
    expect(await alice.ask({ type: 'delete' }, 'error')).toMatchObject({ type: 'error', code: 'BAD_REQUEST', about: 'delete' });
    expect(await alice.ask({ type: 'typing', room: '#lobby', state: 'thinking' }, 'error')).toMatchObject({ type: 'error', code: 'BAD_REQUEST', about: 'typing' });
    expect(await alice.ask({ type: 'typing', state: 'active' }, 'error')).toMatchObject({ type: 'error', code: 'BAD_REQUEST', about: 'typing' });
    // Deleted: gone for a second delete or an edit.
    alice.send({ type: 'delete', id });
    await nextEvent(bob, 'delete');
    expect(await alice.ask({ type: 'edit', id, text: 'back' }, 'error')).toMatchObject({ type: 'error', code: 'NOT_FOUND', about: 'edit' });
    const [row] = (await r.history?.recent({ room: '#lobby' }, 50))?.filter((e) => e.id === id) ?? [];
    expect(row).toMatchObject({ deleted: true, text: '' });
  });

  it("a room's operator deletes another's message; everyone in the room hears who did", async () => {
    const r = await start({ history: true });
    const op = await r.member('op');
    op.send({ type: 'join', room: '#dev' });
    await op.nextOf('joined');
    const alice = await r.member('alice');
    alice.send({ type: 'join', room: '#dev' });
    await alice.nextOf('joined');
    alice.send({ type: 'say', room: '#dev', text: 'spam spam' });
    const id = (await op.waitFor<EventMessage>((m) => m.type === 'event' && m.event.text === 'spam spam')).event.id;
    op.send({ type: 'delete', id });
    for (const c of [op, alice]) expect(await nextEvent(c, 'delete')).toMatchObject({ target: id, room: '#dev', author: 'alice', name: 'op', notice: '[#dev] op deleted a message by alice' });
  });
});

describe('WS door: typing', () => {
  it('reaches the others in the room, not the typer; a direct conversation, the addressee only', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    alice.send({ type: 'typing', room: '#lobby', state: 'active' });
    for (const c of [bob, carol]) {
      const t = await nextEvent(c, 'typing');
      expect(t).toEqual({ id: 0, at: t.at, kind: 'typing', room: '#lobby', name: 'alice', state: 'active', notice: 'alice is typing…' });
    }
    alice.send({ type: 'typing', to: 'bob', state: 'paused' });
    expect(await nextEvent(bob, 'typing')).toMatchObject({ to: 'bob', name: 'alice', state: 'paused' });
    // What came after the typing reached alice and carol; no typing came to alice, none of the conversation to carol.
    bob.send({ type: 'say', text: 'after' });
    await alice.notice('bob: after');
    await carol.notice('bob: after');
    expect(alice.events().filter((e) => e.kind === 'typing')).toEqual([]);
    expect(carol.events().filter((e) => e.kind === 'typing')).toHaveLength(1);
    // Never stored.
    expect((await r.history?.recent({ room: '#lobby' }, 50))?.map((e) => e.kind)).not.toContain('typing');
  });
});

describe('WS door: direct messages', () => {
  it('an edit and a delete of a direct message reach both sides only; the conversation history shows them', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    alice.send({ type: 'say', to: 'bob', text: 'see you at 5' });
    const one = (await bob.waitFor<EventMessage>((m) => m.type === 'event' && m.event.kind === 'dm')).event.id;
    alice.send({ type: 'say', to: 'bob', text: 'ignore this' });
    const two = (await bob.waitFor<EventMessage>((m) => m.type === 'event' && m.event.kind === 'dm')).event.id;
    alice.send({ type: 'edit', id: one, text: 'see you at 6' });
    for (const c of [alice, bob]) {
      expect(await nextEvent(c, 'edit')).toMatchObject({ target: one, to: 'bob', author: 'alice', name: 'alice', text: 'see you at 6', notice: 'alice edited a private message: see you at 6' });
    }
    expect(await bob.ask({ type: 'delete', id: two }, 'error')).toMatchObject({ type: 'error', code: 'PERMISSION_DENIED' });
    expect(await carol.ask({ type: 'edit', id: one, text: 'nosy' }, 'error')).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    alice.send({ type: 'delete', id: two });
    for (const c of [alice, bob]) expect(await nextEvent(c, 'delete')).toMatchObject({ target: two, to: 'bob', author: 'alice' });
    const page = await bob.ask({ type: 'history', with: 'alice' }, 'history');
    if (page.type !== 'history') throw new Error(JSON.stringify(page));
    expect(page.events.map((e) => [e.id, e.text, e.edited !== undefined, e.deleted === true])).toEqual([
      [one, 'see you at 6', true, false],
      [two, '', false, true],
    ]);
    // Carol heard none of it.
    carol.send({ type: 'say', text: 'anyone?' });
    await alice.notice('carol: anyone?');
    expect(carol.events().filter((e) => e.kind === 'edit' || e.kind === 'delete' || e.kind === 'dm')).toEqual([]);
  });
});

describe('WS door: Chinese notices', () => {
  it('words edits, deletes and typing in the seeds\' style', async () => {
    const r = await start({ history: true, lang: 'zh' });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const id = await said(alice, bob, '你好');
    alice.send({ type: 'edit', id, text: '你好呀' });
    expect((await nextEvent(bob, 'edit')).notice).toBe('alice 修改了消息: 你好呀');
    alice.send({ type: 'typing', room: '#lobby', state: 'done' });
    expect((await nextEvent(bob, 'typing')).notice).toBe('alice 停止了输入');
    alice.send({ type: 'delete', id });
    expect((await nextEvent(bob, 'delete')).notice).toBe('alice 删除了一条消息');
    const refused = await bob.ask({ type: 'delete', id: id + 50 }, 'error');
    expect(refused).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });
});
