// The chat core with accounts: reserved names, the guest policy, bans, mutes, kicks, founders and changes made by the CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { SYSTEM, type GuestPolicy } from '../src/core/access/roles.js';
import { Chat } from '../src/core/chat/chat.js';
import { Moderation, type ModerationAct } from '../src/core/chat/moderation.js';
import type { ChatEvent } from '../src/core/chat/types.js';
import { SqliteAccessStore } from '../src/store/access-sqlite.js';

const dirs: string[] = [];
const opened: Access[] = [];

interface Rig {
  access: Access;
  chat: Chat;
  moderation: Moderation;
  events: ChatEvent[];
  acts: ModerationAct[];
  file: string;
}

async function rig(guests: GuestPolicy = 'on'): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-mod-'));
  dirs.push(dir);
  const file = join(dir, 'access.sqlite');
  const access = new Access(SqliteAccessStore.open(file), { guests });
  opened.push(access);
  const chat = new Chat({ access, flood: null });
  const events: ChatEvent[] = [];
  chat.subscribe((e) => events.push(e));
  const acts: ModerationAct[] = [];
  return { access, chat, moderation: new Moderation(chat, (a) => acts.push(a)), events, acts, file };
}

afterEach(async () => {
  opened.splice(0).forEach((a) => a.close());
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

describe('names of accounts', () => {
  it('are refused to guests in any case, width or look-alike, even while the owner is away', async () => {
    const { access, chat } = await rig();
    await access.accounts.add('Alice', 'password-1');
    for (const name of ['Alice', 'alice', 'ALICE', 'ａｌｉｃｅ', 'аlice', 'ɑlice']) {
      expect(code(() => chat.enter(name, 'ws')), name).toBe('NAME_RESERVED');
    }
    expect(chat.size).toBe(0);
    const alice = chat.enter('alice', 'irc', { account: 'Alice', role: 'member' });
    expect(alice.account).toBe('Alice');
    // Another account may not take it either.
    await access.accounts.add('bob', 'password-2');
    const bob = chat.enter('bob', 'ws', { account: 'bob', role: 'member' });
    expect(code(() => chat.rename(bob, 'ALICE'))).toBe('NAME_RESERVED');
    expect(code(() => chat.enter('ALICE', 'ws', { account: 'bob', role: 'member' }))).toBe('NAME_RESERVED');
  });

  it('guests off: accounts only', async () => {
    const { access, chat } = await rig('off');
    await access.accounts.add('alice', 'password-1');
    expect(code(() => chat.enter('zed', 'udp'))).toBe('ACCOUNTS_ONLY');
    expect(chat.enter('alice', 'ws', { account: 'alice', role: 'member' }).name).toBe('alice');
  });

  it('an admin account is an administrator at once; a role changed by the CLI applies at once', async () => {
    const { access, chat, moderation, file } = await rig();
    await access.accounts.add('root', 'password-1', 'admin');
    await access.accounts.add('mia', 'password-2');
    const root = chat.enter('root', 'ws', { account: 'root', role: 'admin' });
    const mia = chat.enter('mia', 'ws', { account: 'mia', role: 'member' });
    expect(chat.isAdmin(root)).toBe(true);
    expect(chat.isAdmin(mia)).toBe(false);
    const cli = new Access(SqliteAccessStore.open(file));
    opened.push(cli);
    cli.accounts.setRole('mia', 'admin');
    access.onExternalChange(() => moderation.refreshAccounts());
    access.poll();
    expect(chat.isAdmin(mia)).toBe(true);
    cli.accounts.remove('mia');
    access.poll();
    expect(chat.has(mia)).toBe(false);
  });
});

describe('moderation', () => {
  it('room founders and operators kick in their room; others may not; the room hears it', async () => {
    const { chat, moderation, events, acts } = await rig();
    const op = chat.enter('op', 'ws');
    const troll = chat.enter('troll', 'irc');
    const other = chat.enter('other', 'ws');
    chat.join(op, '#dev');
    chat.join(troll, '#dev');
    chat.join(other, '#dev');
    expect(code(() => moderation.kick({ actor: { role: 'guest', name: 'other' }, member: other }, '#dev', 'troll'))).toBe('NOT_OPERATOR');
    moderation.kick({ actor: { role: 'guest', name: 'op' }, member: op }, '#dev', 'troll', 'be nice');
    const kick = events.find((e) => e.kind === 'kick');
    expect(kick).toMatchObject({ room: '#dev', name: 'op', target: 'troll', text: 'be nice' });
    expect(kick?.audience).toContain(troll);
    expect(chat.members('#dev')).not.toContain(troll);
    expect(chat.has(troll)).toBe(true);
    expect(acts).toMatchObject([{ action: 'kick', by: 'op', target: 'troll', room: '#dev' }]);
    expect(code(() => moderation.kick({ actor: { role: 'guest', name: 'op' }, member: op }, null, 'other'))).toBe('PERMISSION_DENIED');
  });

  it('a server ban removes matching members at once (they hear why), keeps them out, and is told in #lobby', async () => {
    const { chat, moderation, events } = await rig();
    const bob = chat.enter('bob', 'udp', { address: '192.0.2.7' });
    const carol = chat.enter('carol', 'ws', { address: '192.0.2.8' });
    chat.enter('dan', 'ws', { address: '198.51.100.1' });
    moderation.restrict({ actor: SYSTEM }, { type: 'ban', kind: 'address', value: '192.0.2.0/24', reason: 'flood', durationMs: 60_000 });
    const quits = events.filter((e) => e.kind === 'quit');
    expect(quits.map((q) => q.kind === 'quit' && [q.name, q.reason])).toEqual([
      ['bob', 'banned'],
      ['carol', 'banned'],
    ]);
    expect(quits[0]?.audience).toContain(bob);
    expect(chat.has(carol)).toBe(false);
    expect(code(() => chat.enter('newname', 'udp', { address: '192.0.2.99' }))).toBe('BANNED');
    expect(events.find((e) => e.kind === 'moderation')).toMatchObject({ action: 'ban', room: '#lobby', scope: null, target: '192.0.2.0/24', text: 'flood' });
    moderation.lift({ actor: SYSTEM }, 'ban', 'address', '192.0.2.0/24', null);
    expect(chat.enter('newname', 'udp', { address: '192.0.2.99' }).name).toBe('newname');
  });

  it('a room ban (by its operator) kicks and keeps out of that room only; admins are never banned', async () => {
    const { access, chat, moderation } = await rig();
    await access.accounts.add('root', 'password-1', 'admin');
    const op = chat.enter('op', 'ws');
    const bob = chat.enter('bob', 'irc');
    const root = chat.enter('root', 'ws', { account: 'root', role: 'admin' });
    chat.join(op, '#dev');
    chat.join(bob, '#dev');
    chat.join(root, '#dev');
    moderation.restrict({ actor: { role: 'guest', name: 'op' }, member: op }, { type: 'ban', kind: 'mask', value: '*!*@*', room: '#dev' });
    expect(chat.members('#dev')).toEqual([op, root]);
    expect(code(() => chat.join(bob, '#dev'))).toBe('BANNED');
    expect(chat.join(bob, '#other').joined).toBe(true);
    expect(code(() => moderation.restrict({ actor: { role: 'guest', name: 'bob' }, member: bob }, { type: 'ban', kind: 'name', value: 'op', room: '#dev' }))).toBe(
      'NOT_OPERATOR',
    );
  });

  it('mutes in a room or everywhere refuse messages and DMs with MUTED', async () => {
    const { chat, moderation } = await rig();
    const bob = chat.enter('bob', 'ws');
    const amy = chat.enter('amy', 'ws');
    chat.join(bob, '#dev');
    chat.join(amy, '#dev');
    moderation.restrict({ actor: SYSTEM }, { type: 'mute', kind: 'name', value: 'bob', room: '#dev' });
    expect(code(() => chat.say(bob, '#dev', 'hi'))).toBe('MUTED');
    chat.say(bob, '#lobby', 'still fine here');
    chat.dm(bob, 'amy', 'and here');
    moderation.restrict({ actor: SYSTEM }, { type: 'mute', kind: 'name', value: 'bob' });
    expect(code(() => chat.dm(bob, 'amy', 'hi'))).toBe('MUTED');
    expect(code(() => chat.say(bob, '#lobby', 'hi'))).toBe('MUTED');
    expect(moderation.list({ actor: SYSTEM })).toHaveLength(2);
  });

  it('a signed-in founder runs its room whenever present, across restarts of the room', async () => {
    const { access, chat } = await rig();
    await access.accounts.add('fay', 'password-1');
    const fay = chat.enter('fay', 'ws', { account: 'fay', role: 'member' });
    const guest = chat.enter('gus', 'ws');
    chat.join(fay, '#fay');
    chat.part(fay, '#fay');
    chat.join(guest, '#fay');
    chat.join(fay, '#fay');
    expect(chat.standing('#fay', fay)?.op).toBe(true);
  });

  it('bans added by another process apply to who is connected on the next poll', async () => {
    const { access, chat, moderation, file } = await rig();
    const bob = chat.enter('bob', 'ws');
    access.onExternalChange(() => moderation.enforceAll());
    const cli = new Access(SqliteAccessStore.open(file));
    opened.push(cli);
    cli.restrictions.add({ type: 'ban', kind: 'name', value: 'bob' }, 'root', null);
    access.poll();
    expect(chat.has(bob)).toBe(false);
  });
});

describe('founders', () => {
  it('are kept with the room, so a restart still knows who founded it', async () => {
    const { SqliteHistory } = await import('../src/store/sqlite.js');
    const dir = await mkdtemp(join(tmpdir(), 'netroom-founder-'));
    dirs.push(dir);
    const { access, chat } = await rig();
    const history = SqliteHistory.open(dir);
    chat.restore(history);
    await access.accounts.add('fay', 'password-1');
    const fay = chat.enter('fay', 'ws', { account: 'fay', role: 'member' });
    chat.join(fay, '#fays-room');
    chat.disconnect(fay);
    history.close();
    const again = SqliteHistory.open(dir);
    const restarted = new Chat({ access, flood: null });
    restarted.restore(again);
    const gus = restarted.enter('gus', 'ws');
    restarted.join(gus, '#fays-room');
    const back = restarted.enter('fay', 'ws', { account: 'fay', role: 'member' });
    restarted.join(back, '#fays-room');
    expect(restarted.standing('#fays-room', back)?.op).toBe(true);
    again.close();
  });
});

describe('refusals in Chinese', () => {
  it('name the new codes in the seeds style and keep a ban reason', async () => {
    const { errorText } = await import('../src/core/i18n.js');
    const { NetroomError } = await import('../src/core/errors.js');
    expect(errorText('zh', new NetroomError('NAME_RESERVED', 'x'))).toBe('该姓名属于已注册的账号，请先登录 (NAME_RESERVED)');
    expect(errorText('zh', new NetroomError('BANNED', 'x', { reason: '刷屏' }))).toBe('您已被封禁：刷屏 (BANNED)');
    expect(errorText('en', new NetroomError('BANNED', 'you are banned from this server: spam', { reason: 'spam' }))).toBe('ERROR BANNED: you are banned from this server: spam');
  });
});

describe('conversations of a name that became an account', () => {
  it('are not the account’s: it reads direct messages from its creation on, the guest before it is someone else', async () => {
    const { SqliteHistory } = await import('../src/store/sqlite.js');
    const dir = await mkdtemp(join(tmpdir(), 'netroom-dm-cut-'));
    dirs.push(dir);
    const clock = { now: 1_800_000_000_000 };
    const access = new Access(SqliteAccessStore.open(join(dir, 'access.sqlite')), { now: () => clock.now });
    opened.push(access);
    const history = SqliteHistory.open(dir, { now: () => clock.now });
    const chat = new Chat({ access, flood: null, now: () => clock.now });
    chat.restore(history);
    chat.subscribe((e) => history.append(e));
    const guestAlice = chat.enter('alice', 'ws');
    const bob = chat.enter('bob', 'ws');
    chat.dm(guestAlice, 'bob', 'the guest secret');
    chat.disconnect(guestAlice);
    clock.now += 60_000;
    await access.accounts.add('alice', 'password-1');
    clock.now += 60_000;
    const alice = chat.enter('alice', 'ws', { account: 'alice', role: 'member' });
    chat.dm(bob, 'alice', 'hello account');
    const since = chat.conversationsSince(alice);
    const texts = (rows: { text?: string }[]): (string | undefined)[] => rows.map((r) => r.text);
    expect(texts(await history.recent({ between: ['alice', 'bob'], since }, 10))).toEqual(['hello account']);
    expect(await history.conversations('alice', 10, since)).toHaveLength(1);
    expect(texts(await history.search('secret', { rooms: [], member: 'alice', memberSince: since }, 10))).toEqual([]);
    expect(texts(await history.search('account', { rooms: [], member: 'alice', memberSince: since }, 10))).toEqual(['hello account']);
    // bob, a guest all along, keeps his whole side of it.
    expect(chat.conversationsSince(bob)).toBe(0);
    expect(texts(await history.recent({ between: ['bob', 'alice'] }, 10))).toEqual(['the guest secret', 'hello account']);
    history.close();
  });
});
