// The seed UDP door with accounts and moderation: reserved names, bans, mutes, guests off, and how a ghost member is removed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { SYSTEM, type GuestPolicy } from '../src/core/access/roles.js';
import { Chat } from '../src/core/chat/chat.js';
import { Moderation } from '../src/core/chat/moderation.js';
import { LOBBY } from '../src/core/chat/types.js';
import type { Lang } from '../src/core/i18n.js';
import { Library } from '../src/core/library.js';
import { UdpDoor } from '../src/doors/udp/door.js';
import { removalText } from '../src/doors/udp/removal.js';
import { silentLogger } from '../src/log.js';
import { ACCESS_FILE, SqliteAccessStore } from '../src/store/access-sqlite.js';
import { TestUdpClient, padded } from './helpers/udp.js';

interface Rig {
  readonly chat: Chat;
  readonly door: UdpDoor;
  readonly access: Access;
  readonly moderation: Moderation;
  client(): Promise<TestUdpClient>;
  member(name: string): Promise<TestUdpClient>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A chat with the access store (the account `alice` exists), moderation, and the UDP door on port 0. */
async function rig(options: { guests?: GuestPolicy; lang?: Lang; account?: boolean } = {}): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-udp-mod-'));
  const access = new Access(SqliteAccessStore.open(join(dir, ACCESS_FILE)), { guests: options.guests ?? 'on' });
  if (options.account !== false) await access.accounts.add('alice', 'correct horse battery', 'member');
  const chat = new Chat({ flood: null });
  chat.useAccess(access);
  const moderation = new Moderation(chat);
  const door = new UdpDoor(
    { chat, library: new Library(dir), lang: options.lang ?? 'en', log: silentLogger(), access, moderation },
    { host: '127.0.0.1', port: 0 },
  );
  await door.listen();
  const clients: TestUdpClient[] = [];
  cleanups.push(async () => {
    await door.close();
    clients.forEach((c) => c.close());
    access.close();
    await rm(dir, { recursive: true, force: true });
  });
  const client = async (): Promise<TestUdpClient> => {
    const c = await TestUdpClient.open(door.address().port);
    clients.push(c);
    return c;
  };
  return {
    chat,
    door,
    access,
    moderation,
    client,
    async member(name) {
      const c = await client();
      await c.enter(name);
      return c;
    },
  };
}

const ADMIN = { actor: SYSTEM };

describe('entering', () => {
  test('an account\'s name is refused with NAME_RESERVED and the reason, in any case or look-alike spelling', async () => {
    const r = await rig();
    const c = await r.client();
    for (const name of ['alice', 'ALICE', 'Ａlice', 'аlice' /* Cyrillic а */]) {
      expect(await c.request(padded(`L ${name}`))).toMatch(/^ERROR NAME_RESERVED: the name \S+ belongs to an account/u);
    }
    expect(r.door.peers.size).toBe(0);
    expect(await c.request('L alicia')).toBe('OK');
  });

  test('the seed client\'s short L gets no more bytes than it sent, still naming the refusal where it fits', async () => {
    const r = await rig();
    const c = await r.client();
    const line = 'L ａｌｉｃｅ'; // alice in full width: 17 bytes, too few for ERROR NAME_RESERVED
    const reply = await c.request(line);
    expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(Buffer.byteLength(line));
    expect(reply).toBe('NAME_RESERVED');
  });

  test('--guests off: every L is refused with ACCOUNTS_ONLY (the door has no sign-in)', async () => {
    const r = await rig({ guests: 'off', account: false });
    const c = await r.client();
    expect(await c.request(padded('L bob'))).toMatch(/^ERROR ACCOUNTS_ONLY: this server is for accounts only/u);
    expect(r.chat.members(LOBBY)).toEqual([]);
  });

  test('a banned address is refused with BANNED and the reason; the ban lifted, it enters', async () => {
    const r = await rig({ account: false });
    r.moderation.restrict(ADMIN, { type: 'ban', kind: 'address', value: '127.0.0.1', reason: 'ghost hunting' });
    const c = await r.client();
    expect(await c.request(padded('L bob'))).toBe('ERROR BANNED: you are banned from this server: ghost hunting');
    r.moderation.lift(ADMIN, 'ban', 'address', '127.0.0.1', null);
    expect(await c.request('L bob')).toBe('OK');
    expect(r.chat.find('bob')?.address).toBe('127.0.0.1');
  });
});

describe('removed by a moderator', () => {
  test('a ghost kicked from the server hears why, is forgotten, and may enter again', async () => {
    const r = await rig({ account: false });
    const ghost = await r.member('ghost');
    const other = await r.member('bob');
    await ghost.waitFor('\nbob joined the room');
    r.moderation.kick(ADMIN, null, 'ghost', 'client died');
    expect(await ghost.next()).toBe('\nyou were removed from the room: removed by netroom: client died');
    expect(await other.next()).toBe('\nghost left the room');
    expect(r.door.peers.size).toBe(1);
    expect(r.chat.find('ghost')).toBeUndefined();
    expect(await ghost.request(padded('C ghost still here?'))).toMatch(/^ERROR NOT_IN_ROOM: /u); // a stranger now: a bare reply
    expect(await ghost.request('L ghost')).toBe('OK'); // a kick is not a ban
    expect(await other.next()).toBe('\nghost joined the room');
  });

  test('a ban by name removes the member with the reason and refuses it afterwards; #lobby hears the ban', async () => {
    const r = await rig({ account: false });
    const mallory = await r.member('mallory');
    const other = await r.member('bob');
    await mallory.waitFor('\nbob joined the room');
    r.moderation.restrict(ADMIN, { type: 'ban', kind: 'name', value: 'mallory', reason: 'spam' });
    expect(await mallory.next()).toBe('\nyou are banned from the room: banned by netroom: spam');
    expect(await other.next()).toBe('\nmallory left the room');
    expect(await other.next()).toBe('\nnetroom banned mallory everywhere (spam)');
    expect(mallory.pending).toBe(0); // forgotten: not told of its own ban twice
    expect(await mallory.request(padded('L mallory'))).toBe('ERROR BANNED: you are banned from this server: spam');
    expect(r.door.peers.size).toBe(1);
  });

  test('a kick from #lobby reaches every UDP member; the one kicked is forgotten (it has no other room)', async () => {
    const r = await rig({ account: false });
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    await bob.waitFor('\ncarol joined the room');
    r.moderation.kick(ADMIN, LOBBY, 'bob', 'off-topic');
    expect(await bob.next()).toBe('\nbob was removed from #lobby by netroom (off-topic)');
    expect(await carol.next()).toBe('\nbob was removed from #lobby by netroom (off-topic)');
    expect(r.door.peers.size).toBe(1);
    expect(r.chat.find('bob')).toBeUndefined();
    expect(await bob.request('L bob')).toBe('OK');
  });

  test('in Chinese (--lang zh)', async () => {
    const r = await rig({ account: false, lang: 'zh' });
    const ghost = await r.member('ghost');
    r.moderation.kick(ADMIN, null, 'ghost', '');
    expect(await ghost.next()).toBe('\n您已被移出聊天室: removed by netroom');
    expect(removalText('zh', 'banned', 'banned by root')).toBe('您已被禁止进入聊天室: banned by root');
    expect(removalText('en', 'kicked', undefined)).toBe('you were removed from the room');
  });
});

describe('mutes', () => {
  test('a muted member\'s message is refused with MUTED as the door shows errors; #lobby hears the mute and its lifting', async () => {
    const r = await rig({ account: false });
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    await bob.waitFor('\ncarol joined the room');
    r.moderation.restrict(ADMIN, { type: 'mute', kind: 'name', value: 'bob', reason: 'calm down' });
    expect(await bob.next()).toBe('\nnetroom muted bob everywhere (calm down)');
    expect(await carol.next()).toBe('\nnetroom muted bob everywhere (calm down)');
    expect(await bob.request('C bob hello?')).toBe('\nERROR MUTED: you are muted everywhere: calm down');
    r.moderation.lift(ADMIN, 'mute', 'name', 'bob', null);
    expect(await carol.next()).toBe('\nnetroom lifted the mute on bob everywhere');
    bob.send('C bob hello again');
    expect(await carol.next()).toBe('\nbob: hello again');
  });
});
