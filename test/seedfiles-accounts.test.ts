// The seed file door under accounts: guests only, so --guests off refuses every command, --guests read refuses uploads, bans close.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Access } from '../src/core/access/access.js';
import type { GuestPolicy } from '../src/core/access/roles.js';
import { Chat } from '../src/core/chat/chat.js';
import { Library, type LibraryChange } from '../src/core/library.js';
import { SeedFilesDoor } from '../src/doors/seedfiles/door.js';
import { silentLogger } from '../src/log.js';
import { describeChange } from '../src/server.js';
import { ACCESS_FILE, SqliteAccessStore } from '../src/store/access-sqlite.js';
import { RawClient, nextEvent, tempDir } from './helpers/seedfiles.js';

interface Rig {
  readonly root: string;
  readonly chat: Chat;
  readonly access: Access;
  readonly library: Library;
  readonly changes: LibraryChange[];
  connect(): Promise<RawClient>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(guests: GuestPolicy): Promise<Rig> {
  const dir = await tempDir('netroom-seedfiles-accounts-');
  const root = path.join(dir, 'lib');
  const library = new Library(root, { guests });
  await library.init();
  await fs.writeFile(path.join(root, 'a.txt'), 'hello');
  const access = new Access(SqliteAccessStore.open(path.join(dir, ACCESS_FILE)), { guests });
  const chat = new Chat();
  chat.useAccess(access);
  const changes: LibraryChange[] = [];
  library.subscribe((c) => changes.push(c));
  const door = new SeedFilesDoor({ chat, library, lang: 'en', log: silentLogger(), access }, { host: '127.0.0.1', port: 0, pauseMs: 5, endQuietMs: 50 });
  await door.listen();
  const clients: RawClient[] = [];
  cleanups.push(async () => {
    clients.forEach((c) => c.socket.destroy());
    await door.close();
    access.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  return {
    root,
    chat,
    access,
    library,
    changes,
    async connect() {
      const c = await RawClient.connect(door.address().port);
      clients.push(c);
      return c;
    },
  };
}

const text = async (raw: RawClient, test: (t: string) => boolean): Promise<string> => (await raw.until((b) => test(b.toString()))).toString();

describe('--guests off', () => {
  test('L, G and P are each refused with ACCOUNTS_ONLY and the reason; nothing is stored; Q still closes', async () => {
    const r = await rig('off');
    const raw = await r.connect();
    const refusal = /^ERROR ACCOUNTS_ONLY: this server is for accounts only \(guests are off\) and the seed file door has no sign-in/u;
    for (const command of ['L', 'G a.txt', 'P new.txt']) {
      raw.socket.write(command);
      expect(await text(raw, (t) => t.length > 0)).toMatch(refusal);
    }
    raw.socket.write('Q');
    await raw.closed();
    expect((await r.library.list('')).map((e) => e.name)).toEqual(['a.txt']);
  });
});

describe('--guests read', () => {
  test('L and G work; P is refused with the permission table\'s reason before any OK, and nothing is stored', async () => {
    const r = await rig('read');
    const raw = await r.connect();
    raw.socket.write('L');
    expect(await text(raw, (t) => t.endsWith('#'))).toBe('OKa.txt#');
    raw.socket.write('G a.txt');
    expect(await text(raw, (t) => t.endsWith('##'))).toBe('OKhello##');
    raw.socket.write('P new.txt');
    expect(await text(raw, (t) => t.length > 0)).toBe('ERROR PERMISSION_DENIED: guests may only read files here: sign in to upload');
    raw.socket.write('L');
    expect(await text(raw, (t) => t.endsWith('#'))).toBe('OKa.txt#'); // the connection goes on
    expect(r.changes).toEqual([]);
  });
});

describe('--guests on', () => {
  test('an upload is a guest\'s: the notice and the log line say "anonymous", and the guest may not overwrite it', async () => {
    const r = await rig('on');
    const raw = await r.connect();
    raw.socket.write('P up.txt');
    expect(await text(raw, (t) => t === 'OK')).toBe('OK');
    const shared = nextEvent(r.chat, (e) => e.kind === 'file');
    raw.socket.write('uploaded##');
    expect(await shared).toMatchObject({ path: 'up.txt', name: 'anonymous' });
    expect(describeChange(r.changes[0]!)).toMatchObject({ kind: 'put', path: 'up.txt', door: 'seed-files', who: 'anonymous' });
    raw.socket.write('P up.txt');
    expect(await text(raw, (t) => t.length > 0)).toMatch(/^ERROR PERMISSION_DENIED: guests may not overwrite existing entries/u);
    expect(await fs.readFile(path.join(r.root, 'up.txt'), 'utf8')).toBe('uploaded');
  });

  test('a banned address gets BANNED with the reason and is closed, also when the ban comes while it is connected', async () => {
    const r = await rig('on');
    const early = await r.connect();
    early.socket.write('L');
    expect(await text(early, (t) => t.endsWith('#'))).toBe('OKa.txt#');
    const ban = r.access.restrictions.add({ type: 'ban', kind: 'address', value: '127.0.0.0/8', reason: 'leeching' }, 'root', null);
    early.socket.write('G a.txt');
    expect((await early.closed()).toString()).toBe('ERROR BANNED: you are banned from this server: leeching');
    const late = await r.connect();
    late.socket.write('P x.txt');
    expect((await late.closed()).toString()).toBe('ERROR BANNED: you are banned from this server: leeching');
    r.access.restrictions.remove(ban.id);
    const again = await r.connect();
    again.socket.write('L');
    expect(await text(again, (t) => t.endsWith('#'))).toBe('OKa.txt#');
    expect((await r.library.list('')).map((e) => e.name)).toEqual(['a.txt']);
  });
});
