// The FTP door through real sockets with basic-ftp: login, listings, transfers, resume, rename, folders, limits.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { FTPError } from 'basic-ftp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { keptName } from '../src/core/append.js';
import { PASSWORD, RawFtp, ftpClient, sink, startFtpDoor, tree, type FtpFixture } from './helpers/ftp.js';
import { sha256 } from './helpers/seedfiles.js';

let f: FtpFixture;

beforeEach(async () => {
  // alice: a member, for what the permission table keeps from guests (appending to, renaming and deleting files).
  f = await startFtpDoor({ accounts: { alice: 'member' } });
});

afterEach(async () => {
  await f.close();
});

async function ftpCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(FTPError);
    return (err as FTPError).code;
  }
}

describe('basic-ftp', () => {
  test('login, put, list (MLSD), get byte-exact, and the room hears of the upload', async () => {
    const client = await ftpClient(f.port);
    const data = randomBytes(300_000);
    await client.uploadFrom(Readable.from([data]), 'photo.jpg');
    await fs.writeFile(path.join(f.root, '.hidden'), 'secret');
    const listing = await client.list();
    expect(listing.map((e) => [e.name, e.size, e.isFile])).toEqual([['photo.jpg', 300_000, true]]);
    expect(listing[0]!.modifiedAt).toBeInstanceOf(Date); // MLSD modify fact parsed
    const out = sink();
    await client.downloadTo(out.stream, 'photo.jpg');
    expect(sha256(out.bytes())).toBe(sha256(data));
    // The notice names the uploader: "anonymous" for an anonymous login, never "someone".
    expect(f.events.filter((e) => e.kind === 'file')).toMatchObject([{ kind: 'file', room: '#lobby', path: 'photo.jpg', size: 300_000, name: 'anonymous' }]);
    client.close();
  });

  test('append and resume both ways, byte-exact', async () => {
    const client = await ftpClient(f.port, 'alice', PASSWORD); // APPE to an existing file is an overwrite: a member's own file
    const whole = randomBytes(200_000);
    await client.uploadFrom(Readable.from([whole.subarray(0, 70_000)]), 'r.bin');
    await client.appendFrom(Readable.from([whole.subarray(70_000)]), 'r.bin'); // APPE
    expect(sha256(await fs.readFile(path.join(f.root, 'r.bin')))).toBe(sha256(whole));
    const out = sink();
    await client.downloadTo(out.stream, 'r.bin', 123_456); // REST + RETR
    expect(out.bytes().equals(whole.subarray(123_456))).toBe(true);
    client.close();
  });

  test('rename, delete, mkdir, cd, rmdir; errors are FTP codes, never a dropped connection', async () => {
    const client = await ftpClient(f.port, 'alice', PASSWORD); // renaming and deleting: a member, on her own entries
    await client.ensureDir('/docs/deep'); // MKD + CWD
    expect(await client.pwd()).toBe('/docs/deep');
    await client.uploadFrom(Readable.from([Buffer.from('hi')]), 'a.txt');
    await client.cd('/');
    await client.rename('docs/deep/a.txt', 'docs/b.txt');
    expect(await tree(f.root)).toEqual(['docs/', 'docs/b.txt', 'docs/deep/']);
    expect(await ftpCode(client.removeEmptyDir('docs'))).toBe(550); // not empty
    await client.remove('docs/b.txt');
    await client.removeEmptyDir('docs/deep');
    await client.removeEmptyDir('docs');
    expect(await tree(f.root)).toEqual([]);
    expect(await ftpCode(client.remove('missing.txt'))).toBe(550);
    expect(await ftpCode(client.cd('missing'))).toBe(550);
    expect(await client.pwd()).toBe('/'); // still connected and usable
    client.close();
  });

  test('traversal never leaves the root (.. at the root is the root), hidden names are refused (550 to read, 553 to store)', async () => {
    await fs.writeFile(path.join(f.dir, 'outside.txt'), 'outside');
    await fs.writeFile(path.join(f.root, '.env'), 'secret');
    const client = await ftpClient(f.port);
    const out = sink();
    expect(await ftpCode(client.downloadTo(out.stream, '../outside.txt'))).toBe(550); // it is /outside.txt: not there
    expect(await ftpCode(client.downloadTo(sink().stream, '/../../outside.txt'))).toBe(550);
    expect(await ftpCode(client.downloadTo(sink().stream, '.env'))).toBe(550);
    await client.uploadFrom(Readable.from([Buffer.from('x')]), '../escape.txt'); // stored as /escape.txt, inside
    expect(await ftpCode(client.uploadFrom(Readable.from([Buffer.from('x')]), '.hidden'))).toBe(553);
    await client.cd('..');
    expect(await client.pwd()).toBe('/');
    expect(await ftpCode(client.rename('.env', 'visible.env'))).toBe(550);
    expect(out.bytes().length).toBe(0);
    expect(await tree(f.dir)).toEqual(['lib/', 'lib/.env', 'lib/escape.txt', 'outside.txt']);
    client.close();
  });

  test('50 clients transferring at once: every upload and download byte-exact', async () => {
    const files = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.bin`, data: randomBytes(64 * 1024 + i) }));
    const clients = await Promise.all(files.map(() => ftpClient(f.port)));
    await Promise.all(clients.map((c, i) => c.uploadFrom(Readable.from([files[i]!.data]), files[i]!.name)));
    const got = await Promise.all(
      clients.map(async (c, i) => {
        const out = sink();
        await c.downloadTo(out.stream, files[(i + 1) % 50]!.name);
        return sha256(out.bytes());
      }),
    );
    expect(got).toEqual(files.map((_, i) => sha256(files[(i + 1) % 50]!.data)));
    for (const c of clients) c.close();
    expect((await f.library.list('')).length).toBe(50);
  });
});

describe('interrupted uploads', () => {
  test('a client killed mid-upload leaves nothing visible; REST + STOR with the size SIZE reports completes it byte-exact', async () => {
    const whole = randomBytes(3 * 1024 * 1024);
    const source = path.join(f.dir, 'whole.bin');
    await fs.writeFile(source, whole);
    // A separate process sends the first MiB of STOR, says so, and is SIGKILLed: its sockets close as a crash closes them.
    const script = `
      const net = require('node:net'); const fs = require('node:fs');
      const c = net.connect(${f.port}, '127.0.0.1'); let buf = '';
      const send = (l) => c.write(l + '\\r\\n');
      const steps = ['USER anonymous', 'PASS x', 'TYPE I', 'EPSV'];
      c.on('data', (d) => { buf += d; let at; while ((at = buf.indexOf('\\r\\n')) >= 0) { const line = buf.slice(0, at); buf = buf.slice(at + 2);
        if (line.startsWith('229')) { const port = Number(/\\|\\|\\|(\\d+)\\|/.exec(line)[1]); const d2 = net.connect(port, '127.0.0.1', () => { global.data = d2; send('STOR big.bin'); }); continue; }
        if (line.startsWith('150')) { global.data.write(fs.readFileSync(${JSON.stringify(source)}).subarray(0, 1048576), () => process.stdout.write('sent\\n')); continue; }
        if (/^(220|331|230|200)/.test(line)) { const next = steps.shift(); if (next) send(next); } } });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const dropped = f.transfer((t) => t.verb === 'STOR');
    child.kill('SIGKILL');
    const record = await dropped;
    expect(record.outcome).toBe('kept');
    expect(await f.library.list('')).toEqual([]);
    expect(f.events.filter((e) => e.kind === 'file')).toEqual([]);
    const kept = (await fs.stat(path.join(f.root, keptName('big.bin')))).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1024 * 1024);
    // Resume: SIZE tells what the server has; REST + STOR sends the rest.
    const client = await ftpClient(f.port);
    expect(await client.size('big.bin')).toBe(kept);
    const rest = new PassThrough();
    rest.end(whole.subarray(kept));
    await client.send(`REST ${kept}`);
    await client.uploadFrom(rest, 'big.bin'); // basic-ftp sends STOR; the server continues at the REST offset
    expect(sha256(await fs.readFile(path.join(f.root, 'big.bin')))).toBe(sha256(whole));
    expect(await tree(f.root)).toEqual(['big.bin']);
    client.close();
  });

  test('closing the door mid-upload leaves nothing visible', async () => {
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const data = await raw.passive();
    await raw.expect('STOR slow.bin', 150);
    data.write(randomBytes(100_000));
    const transfer = f.transfer((t) => t.verb === 'STOR');
    await f.door.close();
    expect((await transfer).outcome).not.toBe('complete');
    expect(await f.library.list('')).toEqual([]);
    data.destroy();
    raw.close();
  });
});
