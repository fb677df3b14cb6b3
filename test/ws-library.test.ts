// Library changes over WebSocket (issue 9 item 19): changes made through real FTP and HTTP doors reach every /ws connection, entered or not.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Client } from 'basic-ftp';
import { SeedFilesClient } from '../src/client/seedfiles.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { ACCESS_FILE, SqliteAccessStore } from '../src/store/access-sqlite.js';
import type { LibraryChange } from '../src/core/library-events.js';
import { Library } from '../src/core/library.js';
import { Chat } from '../src/core/chat/chat.js';
import type { DoorContext } from '../src/doors/door.js';
import { FtpDoor } from '../src/doors/ftp/door.js';
import { HttpDoor } from '../src/doors/http/door.js';
import { SeedFilesDoor } from '../src/doors/seedfiles/door.js';
import type { ServerMessage } from '../src/doors/ws/messages.js';
import { wsPlugin } from '../src/doors/ws/plugin.js';
import { silentLogger } from '../src/log.js';
import { ftpClient } from './helpers/ftp.js';
import { TestWsClient } from './helpers/ws.js';

let base: string;
let access: Access;
/** Renaming and deleting what others made needs an account (the permission table): FTP signs in as an admin, HTTP uses the admin token. */
const ADMIN_TOKEN = 'test-admin-token-0123456789';
const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };
let http: HttpDoor;
let ftp: FtpDoor;
let seed: SeedFilesDoor;
let origin: string;
let ftpUser: Client;
/** Connected, never entered: the file browser without the chat. */
let browser: TestWsClient;
/** Entered the chat: hears library changes as well as chat events. */
let member: TestWsClient;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(tmpdir(), 'netroom-wslib-'));
  const library = new Library(path.join(base, 'files'));
  await library.init();
  access = new Access(SqliteAccessStore.open(path.join(base, ACCESS_FILE)));
  await access.accounts.add('keeper', 'correct horse battery', 'admin');
  const chat = new Chat({ flood: null });
  chat.useAccess(access);
  const ctx: DoorContext = { chat, library, lang: 'en', log: silentLogger(), access };
  http = new HttpDoor(ctx, { host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN, plugins: [wsPlugin(ctx)] });
  await http.listen();
  ftp = new FtpDoor(ctx, { host: '127.0.0.1', port: 0 });
  await ftp.listen();
  seed = new SeedFilesDoor(ctx, { host: '127.0.0.1', port: 0 });
  await seed.listen();
  origin = `127.0.0.1:${http.address().port}`;
  browser = await TestWsClient.open(`ws://${origin}/ws`);
  await browser.nextOf('hello');
  member = await TestWsClient.open(`ws://${origin}/ws`);
  await member.nextOf('hello');
  await member.enter('alice');
  ftpUser = await ftpClient(ftp.address().port, 'keeper', 'correct horse battery');
});

afterAll(async () => {
  ftpUser.close();
  browser.close();
  member.close();
  await ftp.close();
  await seed.close();
  await http.close();
  access.close();
  await fs.rm(base, { recursive: true, force: true });
});

type LibraryMessage = Extract<ServerMessage, { type: 'library' }>;

/** The next `library` message on a connection. */
async function nextChange(client: TestWsClient): Promise<LibraryChange> {
  return (await client.nextOf('library')).change;
}

/** Both connections get `expected` as their next library change (mtime: whole ms). */
async function bothGet(expected: LibraryChange): Promise<void> {
  for (const client of [browser, member]) {
    const change = await nextChange(client);
    expect(change).toEqual('mtime' in expected ? { ...expected, mtime: expect.any(Number) as number } : expected);
    if ('mtime' in change) expect(Number.isInteger(change.mtime)).toBe(true);
  }
}

describe('library messages over WebSocket', () => {
  it('FTP MKD, STOR, RNFR+RNTO, DELE and RMD each reach a connection that never entered', async () => {
    await ftpUser.send('MKD docs');
    await bothGet({ kind: 'mkdir', path: 'docs', mtime: 0 });
    await ftpUser.uploadFrom(Readable.from([Buffer.from('twelve bytes')]), 'docs/a.txt');
    await bothGet({ kind: 'put', path: 'docs/a.txt', size: 12, mtime: 0 });
    await ftpUser.rename('docs/a.txt', 'docs/b.txt');
    await bothGet({ kind: 'rename', from: 'docs/a.txt', to: 'docs/b.txt', type: 'file' });
    await ftpUser.rename('docs', 'papers');
    await bothGet({ kind: 'rename', from: 'docs', to: 'papers', type: 'dir' });
    // Not empty yet: 550 with the core's NOT_EMPTY message, and no change (the DELE below is next).
    const refused = await ftpUser.send('RMD papers').catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 550, message: expect.stringContaining('folder not empty: papers') as string });
    await ftpUser.send('DELE papers/b.txt');
    await bothGet({ kind: 'delete', path: 'papers/b.txt', type: 'file' });
    await ftpUser.send('RMD papers');
    await bothGet({ kind: 'delete', path: 'papers', type: 'dir' });
  });

  it('HTTP PUT, POST /api/folders and DELETE each reach a connection that never entered', async () => {
    const put = await fetch(`http://${origin}/files/h.txt`, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(201);
    await bothGet({ kind: 'put', path: 'h.txt', size: 5, mtime: 0 });
    const folder = await fetch(`http://${origin}/api/folders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'web' }),
    });
    expect(folder.status).toBe(201);
    await bothGet({ kind: 'mkdir', path: 'web', mtime: 0 });
    expect((await fetch(`http://${origin}/files/h.txt`, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
    await bothGet({ kind: 'delete', path: 'h.txt', type: 'file' });
    expect((await fetch(`http://${origin}/files/web`, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
    await bothGet({ kind: 'delete', path: 'web', type: 'dir' });
  });

  it('an upload through the seed files door (P NAME) reaches them too', async () => {
    const local = path.join(base, 'seed.txt');
    await fs.writeFile(local, 'from the seed door');
    const client = new SeedFilesClient();
    await client.connect('127.0.0.1', seed.address().port);
    try {
      await client.put(local, 'seed.txt');
      await bothGet({ kind: 'put', path: 'seed.txt', size: 18, mtime: 0 });
    } finally {
      await client.quit();
    }
  });

  it('a refused change sends nothing; each change is one message, in order, the same for everyone', async () => {
    const refused = await fetch(`http://${origin}/files/missing.txt`, { method: 'DELETE', headers: asAdmin });
    expect(refused.status).toBe(404);
    const late = await TestWsClient.open(`ws://${origin}/ws`);
    try {
      await late.nextOf('hello');
      await fetch(`http://${origin}/files/last.txt`, { method: 'PUT', body: 'x' });
      expect(await nextChange(late)).toMatchObject({ kind: 'put', path: 'last.txt', size: 1 });
      await bothGet({ kind: 'put', path: 'last.txt', size: 1, mtime: 0 });
      // Nothing for the refused DELETE came before it, and a newcomer got no earlier change.
      const changes = (c: TestWsClient): LibraryMessage[] => c.log.filter((m): m is LibraryMessage => m.type === 'library');
      expect(changes(late)).toHaveLength(1);
      expect(changes(browser).map((m) => m.change)).toEqual(changes(member).map((m) => m.change));
      expect(changes(browser)).toHaveLength(12);
    } finally {
      late.close();
    }
  });
});
