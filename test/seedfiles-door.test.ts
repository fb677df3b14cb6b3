// Integration tests of the seed file door through real sockets: list/get/put byte-exact, many clients, refusals, cleanup.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeedFilesClient } from '../src/client/seedfiles.js';
import { noticeText } from '../src/core/i18n.js';
import { META_DIR } from '../src/core/library/owners.js';
import { UPLOAD_PREFIX } from '../src/core/upload.js';
import { RawClient, makeFile, nextEvent, sha256File, startSeedDoor, tempDir, type SeedFixture } from './helpers/seedfiles.js';

let fx: SeedFixture;
let local: string;
const clients: SeedFilesClient[] = [];

async function connect(port = fx.port): Promise<SeedFilesClient> {
  const client = new SeedFilesClient();
  await client.connect('127.0.0.1', port);
  clients.push(client);
  return client;
}

/** Everything in the library root, hidden entries included, but for the library's own record of who made what. */
async function rootEntries(): Promise<string[]> {
  return (await fs.readdir(fx.root)).filter((name) => name !== META_DIR).sort();
}

beforeEach(async () => {
  fx = await startSeedDoor();
  local = path.join(fx.dir, 'local');
  await fs.mkdir(local);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await fx.close();
});

describe('seed file door: list, get, put', () => {
  it('answers L on an empty library with the EMPTY_LIBRARY error text, and keeps the connection', async () => {
    const client = await connect();
    await expect(client.list()).rejects.toThrow(/^ERROR EMPTY_LIBRARY/);
    await makeFile(fx.root, 'a.txt', 10);
    await expect(client.list()).resolves.toEqual(['a.txt']);
  });

  it('moves files byte-exact both ways: 5 MiB random, empty, ending with ##, a Chinese name', async () => {
    const files = [
      { name: 'random.bin', ...(await makeFile(local, 'random.bin', 5 * 1024 * 1024)) },
      { name: 'empty.txt', ...(await makeFile(local, 'empty.txt', Buffer.alloc(0))) },
      { name: 'hashes.txt', ...(await makeFile(local, 'hashes.txt', Buffer.from('the content ends with the marker ##'))) },
      { name: '中文 文件.txt', ...(await makeFile(local, 'zh.txt', Buffer.from('你好，世界\n'))) },
    ];
    const client = await connect();
    for (const f of files) {
      const stored = nextEvent(fx.chat, (e) => e.kind === 'file' && e.path === f.name);
      const sent = await client.put(f.file, f.name);
      expect(sent).toEqual({ size: f.size, sha256: f.sha256 });
      await stored;
      expect(await sha256File(path.join(fx.root, f.name))).toBe(f.sha256);
    }
    expect(await client.list()).toEqual(files.map((f) => f.name).sort());
    const down = path.join(fx.dir, 'down');
    await fs.mkdir(down);
    for (const f of files) {
      const got = await client.get(f.name, path.join(down, f.name));
      expect(got).toEqual({ size: f.size, sha256: f.sha256 });
      expect(await sha256File(path.join(down, f.name))).toBe(f.sha256);
    }
    expect((await fs.readdir(down)).sort()).toEqual(files.map((f) => f.name).sort()); // no temp files left
    await client.quit();
  });

  it('tells the room about each upload as "anonymous" (the seed protocol has no names), never "someone"', async () => {
    const { file, size } = await makeFile(local, 'note.txt', 1234);
    const client = await connect();
    const event = nextEvent(fx.chat, (e) => e.kind === 'file');
    await client.put(file);
    const shared = await event;
    expect(shared).toMatchObject({ kind: 'file', room: '#lobby', path: 'note.txt', size, name: 'anonymous' });
    expect(noticeText('en', shared)).toBe('anonymous shared note.txt (1.2 KiB)');
  });

  it('serves 20 clients at once, each putting and getting its own file byte-exact', async () => {
    const count = 20;
    const results = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const f = await makeFile(local, `f${i}.bin`, 64 * 1024 + i * 37_000);
        const client = await connect();
        const sent = await client.put(f.file);
        const got = await client.get(`f${i}.bin`, path.join(local, `back${i}.bin`));
        await client.quit();
        return { f, sent, got, back: await sha256File(path.join(local, `back${i}.bin`)) };
      }),
    );
    for (const { f, sent, got, back } of results) {
      expect(sent.sha256).toBe(f.sha256);
      expect(got).toEqual({ size: f.size, sha256: f.sha256 });
      expect(back).toBe(f.sha256);
    }
    expect(await rootEntries()).toHaveLength(count);
  });

  it('cuts a long listing at a name boundary within 4096 bytes', async () => {
    for (let i = 0; i < 300; i++) await fs.writeFile(path.join(fx.root, `a-rather-long-file-name-${String(i).padStart(3, '0')}.txt`), '');
    const raw = await RawClient.connect(fx.port);
    raw.socket.write('L');
    expect((await raw.until((t) => t.length >= 2)).toString()).toBe('OK');
    const listing = await raw.until((t) => t.toString().endsWith('#'));
    expect(listing.length).toBeLessThanOrEqual(4096);
    const names = listing.toString().split('#').filter(Boolean);
    expect(names.length).toBeGreaterThan(100);
    expect(names.length).toBeLessThan(300);
    for (const n of names) expect(n).toMatch(/^a-rather-long-file-name-\d{3}\.txt$/u);
  });
});

describe('seed file door: refusals', () => {
  it('refuses traversal and odd names for G and P, creating nothing anywhere', async () => {
    await makeFile(fx.root, 'inside.txt', 5);
    const { file } = await makeFile(local, 'payload.txt', 100);
    const before = (await fs.readdir(fx.dir)).sort();
    const client = await connect();
    for (const bad of ['../x', '/etc/passwd', 'a\\b', '.hidden', 'a\0b', 'sub/x', '../lib/inside.txt']) {
      await expect(client.get(bad, path.join(local, 'out.bin'))).rejects.toThrow(/^ERROR (OUTSIDE_ROOT|BAD_PATH|HIDDEN_PATH)/);
      await expect(client.put(file, bad)).rejects.toThrow(/^ERROR (OUTSIDE_ROOT|BAD_PATH|HIDDEN_PATH)/);
    }
    expect((await fs.readdir(fx.dir)).sort()).toEqual(before);
    expect(await rootEntries()).toEqual(['inside.txt']);
    expect(await fs.readdir(local)).toEqual(['payload.txt']); // failed downloads leave no partial file
    expect(await client.list()).toEqual(['inside.txt']); // the connection is still fine
  });

  it('never lists nor serves hidden files, folders or missing names', async () => {
    await makeFile(fx.root, '.secret', 10);
    await makeFile(fx.root, 'visible.txt', 10);
    await fs.mkdir(path.join(fx.root, 'sub'));
    await makeFile(path.join(fx.root, 'sub'), 'inner.txt', 10);
    const client = await connect();
    expect(await client.list()).toEqual(['visible.txt']);
    await expect(client.get('.secret', path.join(local, 's'))).rejects.toThrow(/^ERROR HIDDEN_PATH/);
    await expect(client.get('sub', path.join(local, 's'))).rejects.toThrow(/^ERROR NOT_A_FILE/);
    await expect(client.get('nope.txt', path.join(local, 's'))).rejects.toThrow(/^ERROR NOT_FOUND/);
  });

  it('answers an unknown command with an error text and stays up; accepts nc-style lines', async () => {
    await makeFile(fx.root, 'a.txt', Buffer.from('hello'));
    const raw = await RawClient.connect(fx.port);
    raw.socket.write('X something');
    expect((await raw.until((t) => t.length > 0)).toString()).toMatch(/^ERROR BAD_REQUEST: unknown command "X"/);
    raw.socket.write('L\r\n');
    expect((await raw.until((t) => t.toString().endsWith('#'))).toString()).toBe('OKa.txt#');
    // `printf 'G a.txt\n' | nc -N`: the client half-closes at once and still gets the file.
    raw.socket.end('G a.txt\n');
    expect((await raw.closed()).toString()).toBe('OKhello##');
  });

  it('refuses an upload over --max-upload and stores nothing', async () => {
    await fx.close();
    fx = await startSeedDoor({ library: { maxUpload: 1000 } });
    const { file } = await makeFile(fx.dir, 'big.bin', 5000);
    const client = await connect();
    // The refusal comes mid-upload; it surfaces on the put or, at the latest, on the next command.
    await expect(client.put(file).then(() => client.list())).rejects.toThrow(/TOO_LARGE/);
    await fx.door.whenIdle();
    expect(await rootEntries()).toEqual([]);
  });

  it('refuses to overwrite with noOverwrite, before any byte is sent', async () => {
    await fx.close();
    fx = await startSeedDoor({ library: { noOverwrite: true } });
    await makeFile(fx.root, 'a.txt', Buffer.from('original'));
    const { file } = await makeFile(fx.dir, 'a.txt', Buffer.from('replacement'));
    const client = await connect();
    await expect(client.put(file)).rejects.toThrow(/^ERROR ALREADY_EXISTS/);
    expect(await fs.readFile(path.join(fx.root, 'a.txt'), 'utf8')).toBe('original');
  });

  it('speaks Chinese with --lang zh', async () => {
    await fx.close();
    fx = await startSeedDoor({ lang: 'zh' });
    const client = await connect();
    await expect(client.list()).rejects.toThrow('文件库为空 (EMPTY_LIBRARY)');
    await expect(client.get('x', path.join(fx.dir, 'x'))).rejects.toThrow('文件不存在 (NOT_FOUND)');
  });
});

describe('seed file door: interrupted uploads and closing', () => {
  async function startUpload(name: string): Promise<RawClient> {
    const raw = await RawClient.connect(fx.port);
    raw.socket.write(`P ${name}`);
    expect((await raw.until((t) => t.length >= 2)).toString()).toBe('OK');
    // No '#' anywhere: random bytes end in `##` at some read boundary once in ~65,536 (then a quiet
    // pause or the end of the stream would rightly end the upload: the seed protocol's ambiguity).
    raw.socket.write(Buffer.alloc(200 * 1024, 'x'));
    return raw;
  }

  it('a client that disconnects mid-upload leaves no file and no temp file', async () => {
    const raw = await startUpload('cut.bin');
    const closed = new Promise<number>((resolve) => fx.door.once('connectionClosed', resolve));
    raw.socket.destroy();
    expect(await closed).toBe(0);
    expect(await rootEntries()).toEqual([]);
  });

  it('a client that ends its side without ## aborts the upload too', async () => {
    const raw = await startUpload('half.bin');
    raw.socket.end();
    await raw.closed();
    await fx.door.whenIdle();
    expect(await rootEntries()).toEqual([]);
  });

  it('an upload whose ## comes with the end of the stream is stored', async () => {
    const raw = await RawClient.connect(fx.port);
    raw.socket.write('P eof.txt');
    await raw.until((t) => t.length >= 2);
    const stored = nextEvent(fx.chat, (e) => e.kind === 'file');
    raw.socket.end('some text##');
    await stored;
    expect(await fs.readFile(path.join(fx.root, 'eof.txt'), 'utf8')).toBe('some text');
  });

  it('an nc-style upload (lines, then ##\\n, then end of input) is stored without the marker', async () => {
    const raw = await RawClient.connect(fx.port);
    const stored = nextEvent(fx.chat, (e) => e.kind === 'file');
    raw.socket.write('P notes.txt\n');
    await raw.until((t) => t.length >= 2);
    raw.socket.end('line one\nline two\n##\n');
    await stored;
    expect(await fs.readFile(path.join(fx.root, 'notes.txt'), 'utf8')).toBe('line one\nline two\n');
  });

  it('closes a connection that stays idle past idleTimeoutMs', async () => {
    await fx.close();
    fx = await startSeedDoor({ door: { idleTimeoutMs: 100 } });
    const raw = await RawClient.connect(fx.port);
    await raw.closed();
    await fx.door.whenIdle();
  });

  it('drops a client that stops reading a download (drainTimeoutMs), without harming others', async () => {
    await fx.close();
    fx = await startSeedDoor({ door: { drainTimeoutMs: 200 } });
    await makeFile(fx.root, 'large.bin', 32 * 1024 * 1024);
    const stuck = await RawClient.connect(fx.port);
    const dropped = new Promise<number>((resolve) => fx.door.once('connectionClosed', resolve));
    stuck.socket.write('G large.bin');
    stuck.socket.pause(); // reads nothing more: kernel buffers fill, the server waits for 'drain'
    expect(await dropped).toBe(0);
    const other = await connect();
    expect(await other.list()).toEqual(['large.bin']);
    stuck.socket.destroy();
  });

  it('drops a client that floods commands without reading the replies', async () => {
    await fx.close();
    fx = await startSeedDoor({ door: { drainTimeoutMs: 200 } });
    const flood = await RawClient.connect(fx.port);
    const dropped = new Promise<number>((resolve) => fx.door.once('connectionClosed', resolve));
    flood.socket.pause(); // ~70 bytes of error text per 2-byte command: far more than kernel buffers hold
    flood.socket.write('X\n'.repeat(400_000));
    expect(await dropped).toBe(0);
    flood.socket.destroy();
  });

  it('close() drops every connection, aborts uploads in progress, and leaves nothing behind', async () => {
    const uploads = await Promise.all([startUpload('one.bin'), startUpload('two.bin')]);
    const idle = await connect();
    expect(fx.door.connections).toBe(3);
    await fx.door.close();
    expect(fx.door.connections).toBe(0);
    expect(await rootEntries()).toEqual([]);
    await Promise.all(uploads.map((u) => u.closed()));
    await expect(idle.list()).rejects.toThrow();
    expect((await rootEntries()).filter((n) => n.startsWith(UPLOAD_PREFIX))).toEqual([]);
  });

  it('uses a fresh temp folder per test (sanity check of the fixture)', async () => {
    const other = await tempDir('netroom-seedfiles-');
    expect(other).not.toBe(fx.dir);
    await fs.rm(other, { recursive: true });
  });
});
