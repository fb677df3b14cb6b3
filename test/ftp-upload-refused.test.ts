// Uploads the server refuses mid-transfer (full disk 452, size limit 552): the transfer itself gets the reply, with curl, ftplib and raw sockets.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import type * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { RawFtp, fillDisk, hasTool, startFtpDoor, tree, type FtpFixture } from './helpers/ftp.js';
import { sha256, sha256File } from './helpers/seedfiles.js';

const run = promisify(execFile);

/** Run curl; its exit code and everything it printed, whether it failed or not. */
function curl(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: 60_000 }, (err, _stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stderr }));
  });
}
const MiB = 1024 * 1024;
const fixtures: FtpFixture[] = [];

async function door(options: Parameters<typeof startFtpDoor>[0] = {}): Promise<FtpFixture> {
  const f = await startFtpDoor(options);
  fixtures.push(f);
  return f;
}

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

/** Send `bytes` on a data connection and end it; resolves with the data socket's own error, if any (a reset). */
async function sendAll(data: net.Socket, bytes: Buffer): Promise<Error | null> {
  let failure: Error | null = null;
  data.on('error', (err) => (failure ??= err));
  const closed = new Promise<void>((resolve) => data.once('close', () => resolve()));
  data.end(bytes);
  await closed;
  return failure;
}

describe('raw control and data connections', () => {
  test('a full disk mid-STOR: the client sends everything without a reset, then 452 answers that STOR; nothing is left; the session goes on', async () => {
    const f = await door();
    const giveBack = fillDisk(f, 1 * MiB);
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const data = await raw.passive();
    await raw.expect('STOR big.bin', 150);
    const sent = sendAll(data, randomBytes(16 * MiB)); // far more than the socket buffers hold
    const reply = await raw.reply();
    expect(reply.code).toBe(452);
    expect(reply.text).toMatch(/no space left/u);
    expect(await sent).toBeNull(); // every byte was taken: no reset, no EPIPE
    expect(await f.transfer((t) => t.verb === 'STOR')).toMatchObject({ path: '/big.bin', outcome: 'failed', code: 452 });
    expect(await tree(f.root)).toEqual([]); // no file, no temp, nothing kept to continue
    await raw.expect('NOOP', 200);
    giveBack();
    const again = await raw.passive();
    await raw.expect('STOR big.bin', 150);
    again.end('fits now');
    expect((await raw.reply()).code).toBe(226);
    expect(await fs.readFile(path.join(f.root, 'big.bin'), 'utf8')).toBe('fits now');
    raw.close();
  });

  test('past --max-upload mid-STOR in TYPE A: 552 after the client has sent everything, nothing visible', async () => {
    const f = await door({ library: { maxUpload: 100_000 } });
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE A', 200);
    const data = await raw.passive();
    await raw.expect('STOR big.txt', 150);
    const sent = sendAll(data, Buffer.from('line of text\r\n'.repeat(500_000)));
    expect((await raw.reply()).code).toBe(552);
    expect(await sent).toBeNull();
    expect(await tree(f.root)).toEqual([]);
    await raw.expect('PWD', 257);
    raw.close();
  });

  test('the reading is bounded: past the byte cap the data connection is cut, and the STOR is still answered 452', async () => {
    const f = await door({ door: { refusedUploadDiscard: { maxBytes: 2 * MiB } } });
    fillDisk(f, 1 * MiB);
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const data = await raw.passive();
    await raw.expect('STOR big.bin', 150);
    const sent = sendAll(data, randomBytes(64 * MiB));
    expect((await raw.reply()).code).toBe(452);
    expect(await sent).not.toBeNull(); // cut: the client sees the reset it would otherwise have seen at once
    expect(await tree(f.root)).toEqual([]);
    await raw.expect('NOOP', 200);
    raw.close();
  });

  test('the reading is bounded in time too: a client that keeps sending is cut and the STOR answered 452', async () => {
    const f = await door({ door: { refusedUploadDiscard: { maxMs: 1 } } });
    fillDisk(f, 0);
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const data = await raw.passive();
    await raw.expect('STOR endless.bin', 150);
    const chunk = randomBytes(64 * 1024);
    const cut = new Promise<void>((resolve) => data.once('close', () => resolve()));
    data.on('error', () => undefined);
    // Never ends its side: writes whenever the socket takes more, until the server cuts it.
    const pump = (): void => {
      while (!data.destroyed && data.write(chunk));
    };
    data.on('drain', pump);
    pump();
    expect((await raw.reply()).code).toBe(452);
    await cut;
    expect(await tree(f.root)).toEqual([]);
    await raw.expect('NOOP', 200);
    raw.close();
  });
});

describe.skipIf(!hasTool('curl'))('curl -T', () => {
  test('onto a full disk: curl reports the 452 of that STOR (no send failure), and its next upload on the same connection works', async () => {
    const f = await door();
    fillDisk(f, 1 * MiB);
    const big = path.join(f.dir, 'big.bin');
    const small = path.join(f.dir, 'small.bin');
    await fs.writeFile(big, randomBytes(16 * MiB));
    await fs.writeFile(small, randomBytes(100_000));
    const url = `ftp://127.0.0.1:${f.port}/`;
    const alone = await curl(['-sS', '-v', '-T', big, `${url}big.bin`]);
    expect(alone.stderr).toMatch(/^< 452 no space left/mu);
    expect(alone.stderr).not.toMatch(/Send failure|Connection reset/u);
    // curl 7.88: "(18) server did not report OK, got 452"; the exit code is the one in that line, never 55.
    const said = /^curl: \((\d+)\) [^\n]*\b452\b/mu.exec(alone.stderr);
    expect(said, alone.stderr).not.toBeNull();
    expect(alone.code).toBe(Number(said![1]));
    expect(alone.code).not.toBe(55);
    // Two uploads in one curl run share the control connection: the second shows the session survived.
    const both = await curl(['-sS', '-v', '-T', big, `${url}big.bin`, '-T', small, `${url}small.bin`]);
    expect(both.stderr).toMatch(/^< 452 /mu);
    expect(both.stderr).toMatch(/Re-using existing connection/u);
    expect(both.stderr).toMatch(/^< 226 Transfer complete/mu);
    expect(both.code).toBe(0); // curl's exit code is its last transfer's
    expect(await tree(f.root)).toEqual(['small.bin']);
    expect(await sha256File(path.join(f.root, 'small.bin'))).toBe(sha256(await fs.readFile(small)));
  });

  test('past --max-upload: curl reports the 552 of that STOR as "Exceeded storage allocation" (exit 70)', async () => {
    const f = await door({ library: { maxUpload: 1 * MiB } });
    const big = path.join(f.dir, 'big.bin');
    await fs.writeFile(big, randomBytes(16 * MiB));
    const failed = await curl(['-sS', '-v', '-T', big, `ftp://127.0.0.1:${f.port}/big.bin`]);
    expect(failed.stderr).toMatch(/^< 552 /mu);
    expect(failed.stderr).toMatch(/Exceeded storage allocation/u);
    expect(failed.code).toBe(70);
    expect(await tree(f.root)).toEqual([]);
  });
});

const python = hasTool('python3') ? 'python3' : null;

describe.skipIf(python === null)('Python ftplib storbinary', () => {
  test('onto a full disk: error_temp 452 for that STOR, not ConnectionResetError; the same session then stores, reads back and quits', async () => {
    const f = await door();
    const giveBack = fillDisk(f, 1 * MiB);
    const script = `
import ftplib, io, os, sys
f = ftplib.FTP()
f.connect('127.0.0.1', int(sys.argv[1]), timeout=20)
f.login()
try:
    f.storbinary('STOR big.bin', io.BytesIO(os.urandom(16 * 1024 * 1024)))
    print('stored')
except ftplib.error_temp as e:
    print('error_temp', str(e)[:3])
sys.stdout.flush()
sys.stdin.readline()  # the test gives the disk back
print(f.storbinary('STOR small.bin', io.BytesIO(b'small'))[:3])
buf = io.BytesIO()
f.retrbinary('RETR small.bin', buf.write)
print(buf.getvalue().decode())
print(f.quit()[:3])
`;
    const child = execFile(python!, ['-c', script, String(f.port)], { timeout: 60_000 });
    const lines: string[] = [];
    let firstLine: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (firstLine = resolve));
    child.stdout!.setEncoding('utf8');
    // Whole lines only: a pipe may hand over "error_temp" and " 452" in two chunks.
    let partial = '';
    child.stdout!.on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== ''));
      if (lines.length > 0) firstLine();
    });
    let stderr = '';
    child.stderr!.on('data', (text: Buffer) => (stderr += text.toString()));
    const exited = once(child, 'exit');
    await Promise.race([first, exited]);
    expect(lines[0], `${JSON.stringify(lines)} ${stderr}`).toBe('error_temp 452');
    expect(await tree(f.root)).toEqual([]);
    giveBack();
    child.stdin!.end('\n');
    const [code] = (await exited) as [number];
    expect(code, stderr).toBe(0);
    expect(lines).toEqual(['error_temp 452', '226', 'small', '221']);
    expect(await tree(f.root)).toEqual(['small.bin']);
  });

  test('past --max-upload: error_perm 552', async () => {
    const f = await door({ library: { maxUpload: 1 * MiB } });
    const script = `
import ftplib, io, os, sys
f = ftplib.FTP()
f.connect('127.0.0.1', int(sys.argv[1]), timeout=20)
f.login()
try:
    f.storbinary('STOR big.bin', io.BytesIO(os.urandom(16 * 1024 * 1024)))
    print('stored')
except ftplib.error_perm as e:
    print('error_perm', str(e)[:3])
print(f.quit()[:3])
`;
    const { stdout } = await run(python!, ['-c', script, String(f.port)], { timeout: 60_000 });
    expect(stdout.trim().split('\n')).toEqual(['error_perm 552', '221']);
    expect(await tree(f.root)).toEqual([]);
  });
});
