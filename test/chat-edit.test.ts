// The chat core's rules for editing and deleting messages and for typing indicators (issue 14), over a lookup held in a Map.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { SYSTEM } from '../src/core/access/roles.js';
import { Chat } from '../src/core/chat/chat.js';
import { Moderation } from '../src/core/chat/moderation.js';
import { TYPING_REPEAT_MS } from '../src/core/chat/edits.js';
import type { ChatEvent, FoundMessage } from '../src/core/chat/types.js';
import { SqliteAccessStore } from '../src/store/access-sqlite.js';
import { codeOf } from './helpers/errors.js';
import { names } from './helpers/chat.js';

/** Messages the lookup knows, by id; a test adds what it needs. */
function rig(options: { flood?: null | { rate: number; burst: number }; access?: Access } = {}) {
  const messages = new Map<number, FoundMessage>();
  const clock = { now: 1_000_000 };
  const chat = new Chat({
    flood: options.flood === undefined ? null : options.flood,
    ...(options.access ? { access: options.access } : {}),
    now: () => clock.now,
    messages: { find: (id) => Promise.resolve(messages.get(id)) },
  });
  const events: ChatEvent[] = [];
  chat.subscribe((e) => events.push(e));
  return { chat, messages, events, clock, of: <K extends ChatEvent['kind']>(kind: K) => events.filter((e): e is Extract<ChatEvent, { kind: K }> => e.kind === kind) };
}

const dirs: string[] = [];
const opened: Access[] = [];
afterEach(async () => {
  opened.splice(0).forEach((a) => a.close());
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function access(): Promise<Access> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-edit-'));
  dirs.push(dir);
  const a = new Access(SqliteAccessStore.open(join(dir, 'access.sqlite')), { guests: 'on' });
  opened.push(a);
  return a;
}

describe('editing', () => {
  it("the author edits its own room message: the room hears an edit with the new text, the author's name and the target id", async () => {
    const { chat, messages, of } = rig();
    const alice = chat.enter('alice', 'ws');
    const bob = chat.enter('bob', 'ws');
    messages.set(7, { id: 7, kind: 'message', room: '#lobby', name: 'alice', deleted: false });
    await chat.editMessage(alice, 7, 'hello again');
    const [edit] = of('edit');
    expect(edit).toMatchObject({ kind: 'edit', target: 7, room: '#lobby', author: 'alice', name: 'alice', text: 'hello again' });
    expect(names(edit?.audience ?? [])).toEqual(['alice', 'bob']);
    // Someone else may not put words in alice's mouth, an administrator neither.
    expect(await codeOf(chat.editMessage(bob, 7, 'not mine'))).toBe('PERMISSION_DENIED');
    const root = chat.enter('root', 'ws', { role: 'admin' });
    chat.makeAdmin(root);
    expect(await codeOf(chat.editMessage(root, 7, 'admins neither'))).toBe('PERMISSION_DENIED');
    expect(of('edit')).toHaveLength(1);
  });

  it('is by name in any case, and by account when the message had one', async () => {
    const { chat, messages } = rig();
    messages.set(1, { id: 1, kind: 'message', room: '#lobby', name: 'Alice', deleted: false });
    messages.set(2, { id: 2, kind: 'message', room: '#lobby', name: 'carol', account: 'Carol', deleted: false });
    const alice = chat.enter('ALICE', 'ws');
    await chat.editMessage(alice, 1, 'same name, other case');
    // A guest now holding the name of an account's message is not its author.
    const carol = chat.enter('carol', 'ws');
    expect(await codeOf(chat.editMessage(carol, 2, 'impostor'))).toBe('PERMISSION_DENIED');
    chat.disconnect(carol);
    const signed = chat.enter('carol', 'ws', { account: 'carol', role: 'member' });
    await chat.editMessage(signed, 2, 'the account holder');
  });

  it('NOT_FOUND: no such id, a bad id, a deleted message, no lookup, a room one is not in', async () => {
    const { chat, messages } = rig();
    const alice = chat.enter('alice', 'ws');
    chat.join(alice, '#dev');
    messages.set(3, { id: 3, kind: 'message', room: '#lobby', name: 'alice', deleted: true });
    messages.set(4, { id: 4, kind: 'message', room: '#dev', name: 'alice', deleted: false });
    expect(await codeOf(chat.editMessage(alice, 99, 'x'))).toBe('NOT_FOUND');
    expect(await codeOf(chat.editMessage(alice, -1, 'x'))).toBe('NOT_FOUND');
    expect(await codeOf(chat.editMessage(alice, 1.5, 'x'))).toBe('NOT_FOUND');
    expect(await codeOf(chat.editMessage(alice, 3, 'x'))).toBe('NOT_FOUND');
    chat.part(alice, '#dev');
    expect(await codeOf(chat.editMessage(alice, 4, 'x'))).toBe('NOT_FOUND');
    const bare = new Chat({ flood: null });
    const bob = bare.enter('bob', 'ws');
    expect(await codeOf(bare.editMessage(bob, 1, 'x'))).toBe('NOT_FOUND');
  });

  it('checks the new text like a message, and takes a flood token', async () => {
    const { chat, messages, of } = rig({ flood: { rate: 1, burst: 2 } });
    const alice = chat.enter('alice', 'ws');
    messages.set(5, { id: 5, kind: 'message', room: '#lobby', name: 'alice', deleted: false });
    expect(await codeOf(chat.editMessage(alice, 5, '   '))).toBe('EMPTY_MESSAGE');
    expect(await codeOf(chat.editMessage(alice, 5, 'x'.repeat(2001)))).toBe('MESSAGE_TOO_LONG');
    expect(await codeOf(chat.editMessage(alice, 5, 'bell\u0007'))).toBe('BAD_MESSAGE');
    await chat.editMessage(alice, 5, 'one');
    await chat.editMessage(alice, 5, 'two');
    expect(await codeOf(chat.editMessage(alice, 5, 'three'))).toBe('RATE_LIMITED');
    expect(of('edit').map((e) => e.text)).toEqual(['one', 'two']);
  });

  it('MUTED: a muted author cannot edit, but may still delete', async () => {
    const a = await access();
    const { chat, messages, of } = rig({ access: a });
    const alice = chat.enter('alice', 'ws');
    messages.set(6, { id: 6, kind: 'message', room: '#lobby', name: 'alice', deleted: false });
    new Moderation(chat).restrict({ actor: SYSTEM }, { type: 'mute', kind: 'name', value: 'alice', reason: 'calm down' });
    expect(await codeOf(chat.editMessage(alice, 6, 'let me'))).toBe('MUTED');
    await chat.deleteMessage(alice, 6);
    expect(of('edit')).toHaveLength(0);
    expect(of('delete')).toHaveLength(1);
  });

  it('a direct message: its sender edits; both sides hear it, with `to` the addressee and no room', async () => {
    const { chat, messages, of } = rig();
    const alice = chat.enter('alice', 'ws');
    const bob = chat.enter('bob', 'ws');
    chat.enter('carol', 'ws');
    messages.set(8, { id: 8, kind: 'dm', name: 'alice', to: 'bob', deleted: false });
    expect(await codeOf(chat.editMessage(bob, 8, 'not mine'))).toBe('PERMISSION_DENIED');
    const carol = chat.find('carol');
    if (!carol) throw new Error('no carol');
    expect(await codeOf(chat.editMessage(carol, 8, 'not even readable'))).toBe('NOT_FOUND');
    await chat.editMessage(alice, 8, 'psst, edited');
    const [edit] = of('edit');
    expect(edit).toMatchObject({ target: 8, to: 'bob', author: 'alice', name: 'alice', text: 'psst, edited' });
    expect(edit?.room).toBeUndefined();
    expect(names(edit?.audience ?? [])).toEqual(['alice', 'bob']);
  });
});

describe('deleting', () => {
  it("the author deletes its own; others may not; the room's operators and administrators may", async () => {
    const { chat, messages, of } = rig();
    const op = chat.enter('op', 'ws');
    chat.join(op, '#dev'); // the first into a room runs it
    const alice = chat.enter('alice', 'ws');
    chat.join(alice, '#dev');
    const bob = chat.enter('bob', 'ws');
    chat.join(bob, '#dev');
    for (const id of [1, 2, 3]) messages.set(id, { id, kind: 'message', room: '#dev', name: 'alice', deleted: false });
    messages.set(4, { id: 4, kind: 'message', room: '#lobby', name: 'alice', deleted: false });
    expect(await codeOf(chat.deleteMessage(bob, 1))).toBe('PERMISSION_DENIED');
    await chat.deleteMessage(alice, 1);
    await chat.deleteMessage(op, 2);
    // An operator of #dev is no operator of #lobby.
    expect(await codeOf(chat.deleteMessage(op, 4))).toBe('PERMISSION_DENIED');
    const root = chat.enter('root', 'ws', { role: 'admin' });
    chat.makeAdmin(root);
    await chat.deleteMessage(root, 3); // not even in #dev
    await chat.deleteMessage(root, 4);
    expect(of('delete').map((e) => [e.target, e.name, e.author, e.room])).toEqual([
      [1, 'alice', 'alice', '#dev'],
      [2, 'op', 'alice', '#dev'],
      [3, 'root', 'alice', '#dev'],
      [4, 'root', 'alice', '#lobby'],
    ]);
    expect(names(of('delete')[0]?.audience ?? [])).toEqual(['op', 'alice', 'bob']);
  });

  it('a deleted message is NOT_FOUND to edit or delete again', async () => {
    const { chat, messages } = rig();
    const alice = chat.enter('alice', 'ws');
    messages.set(1, { id: 1, kind: 'message', room: '#lobby', name: 'alice', deleted: true });
    expect(await codeOf(chat.deleteMessage(alice, 1))).toBe('NOT_FOUND');
    expect(await codeOf(chat.editMessage(alice, 1, 'back'))).toBe('NOT_FOUND');
  });

  it('a direct message: only its sender (or an administrator) deletes it; both sides hear', async () => {
    const { chat, messages, of } = rig();
    const alice = chat.enter('alice', 'ws');
    const bob = chat.enter('bob', 'ws');
    messages.set(9, { id: 9, kind: 'dm', name: 'alice', to: 'bob', deleted: false });
    expect(await codeOf(chat.deleteMessage(bob, 9))).toBe('PERMISSION_DENIED');
    await chat.deleteMessage(alice, 9);
    expect(of('delete')[0]).toMatchObject({ target: 9, to: 'bob', author: 'alice', name: 'alice' });
    expect(names(of('delete')[0]?.audience ?? [])).toEqual(['alice', 'bob']);
  });

  it('takes a flood token (but not from an administrator)', async () => {
    const { chat, messages } = rig({ flood: { rate: 1, burst: 1 } });
    const alice = chat.enter('alice', 'ws');
    for (const id of [1, 2]) messages.set(id, { id, kind: 'message', room: '#lobby', name: 'alice', deleted: false });
    await chat.deleteMessage(alice, 1);
    expect(await codeOf(chat.deleteMessage(alice, 2))).toBe('RATE_LIMITED');
  });
});

describe('typing', () => {
  it('reaches the room minus the typer; the same state within a second is dropped, another state is not', () => {
    const { chat, of, clock } = rig();
    const alice = chat.enter('alice', 'ws');
    chat.enter('bob', 'ws');
    chat.typing(alice, { room: '#lobby' }, 'active');
    chat.typing(alice, { room: '#LOBBY' }, 'active');
    expect(of('typing')).toHaveLength(1);
    expect(of('typing')[0]).toMatchObject({ room: '#lobby', name: 'alice', state: 'active' });
    expect(names(of('typing')[0]?.audience ?? [])).toEqual(['bob']);
    chat.typing(alice, { room: '#lobby' }, 'done');
    clock.now += TYPING_REPEAT_MS;
    chat.typing(alice, { room: '#lobby' }, 'done');
    expect(of('typing').map((e) => e.state)).toEqual(['active', 'done', 'done']);
  });

  it('to a member reaches that member only', () => {
    const { chat, of } = rig();
    const alice = chat.enter('alice', 'ws');
    chat.enter('bob', 'ws');
    chat.enter('carol', 'ws');
    chat.typing(alice, { to: 'BOB' }, 'paused');
    expect(of('typing')[0]).toMatchObject({ to: 'bob', name: 'alice', state: 'paused' });
    expect(names(of('typing')[0]?.audience ?? [])).toEqual(['bob']);
  });

  it('is dropped silently where one could not speak: not in the room, +m without voice, muted, nobody there, no such member', async () => {
    const a = await access();
    const { chat, of } = rig({ access: a });
    const op = chat.enter('op', 'ws');
    chat.join(op, '#dev');
    const alice = chat.enter('alice', 'ws');
    chat.typing(alice, { room: '#dev' }, 'active');
    chat.typing(alice, { room: '#nowhere' }, 'active');
    chat.typing(alice, { to: 'nobody' }, 'active');
    chat.typing(alice, { to: 'alice' }, 'active');
    chat.join(alice, '#dev');
    chat.setModes(op, '#dev', [{ mode: 'm', on: true }]);
    chat.typing(alice, { room: '#dev' }, 'active');
    new Moderation(chat).restrict({ actor: SYSTEM }, { type: 'mute', kind: 'name', value: 'alice' });
    chat.typing(alice, { room: '#lobby' }, 'active');
    chat.typing(alice, { to: 'op' }, 'active');
    expect(of('typing')).toHaveLength(0);
  });

  it('refuses a malformed state or target aloud (a door mistake)', () => {
    const { chat } = rig();
    const alice = chat.enter('alice', 'ws');
    expect(() => chat.typing(alice, { room: '#lobby' }, 'typing' as 'active')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => chat.typing(alice, {} as { room: string }, 'active')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
