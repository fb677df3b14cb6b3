// FTP RETR in TYPE I through the pooled-buffer sender: byte-exact whole and resumed, aborts, a shrinking file, a crowd.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { RawFtp, ftpClient, sink, readAll, startFtpDoor, type FtpFixture } from './helpers/ftp.js';
import { sha256 } from './helpers/seedfiles.js';

let f: FtpFixture;

beforeEach(async () => {
  f = await startFtpDoor();
});

afterEach(async () => {
  await f.close();
});

/** A random file of `size` bytes in the library. */
async function put(name: string, size: number): Promise<Buffer> {
  const data = randomBytes(size);
  await fs.writeFile(path.join(f.root, name), data);
  return data;
}

/** Descriptors this process holds open on a library file (Linux /proc); null where that cannot be seen. */
async function handlesOn(name: string): Promise<number | null> {
  const target = await fs.realpath(path.join(f.root, name));
  let fds: string[];
  try {
    fds = await fs.readdir('/proc/self/fd');
  } catch {
    return null;
  }
  let n = 0;
  for (const fd of fds) {
    const link = await fs.readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (link === target) n++;
  }
  return n;
}

/** Expect no descriptor left open on `name` (skipped where /proc is not there). */
async function expectClosed(name: string): Promise<void> {
  const open = await handlesOn(name);
  if (open !== null) expect(open).toBe(0);
}

describe('RETR in TYPE I', () => {
  test('a multi-MiB random file arrives byte-exact and the record counts every byte', async () => {
    const size = 5 * 1024 * 1024 + 12_345; // not a multiple of any buffer size
    const data = await put('big.bin', size);
    const client = await ftpClient(f.port); // basic-ftp downloads in TYPE I
    const out = sink();
    await client.downloadTo(out.stream, 'big.bin');
    expect(sha256(out.bytes())).toBe(sha256(data));
    expect(await f.transfer((t) => t.verb === 'RETR')).toEqual({ verb: 'RETR', path: '/big.bin', bytes: size, outcome: 'complete', code: 226 });
    await expectClosed('big.bin');
    client.close();
  });

  test('REST + RETR from an offset, byte-exact; REST at the very end sends nothing and 226', async () => {
    const data = await put('r.bin', 3 * 1024 * 1024 + 7);
    const client = await ftpClient(f.port);
    for (const offset of [1, 1_234_567, 2 * 1024 * 1024]) {
      const out = sink();
      await client.downloadTo(out.stream, 'r.bin', offset); // REST + RETR
      expect(sha256(out.bytes())).toBe(sha256(data.subarray(offset)));
    }
    const end = sink();
    await client.downloadTo(end.stream, 'r.bin', data.length);
    expect(end.bytes().length).toBe(0);
    expect(f.transfers.map((t) => [t.bytes, t.code])).toEqual([
      [data.length - 1, 226],
      [data.length - 1_234_567, 226],
      [data.length - 2 * 1024 * 1024, 226],
      [0, 226],
    ]);
    await expectClosed('r.bin');
    client.close();
  });

  test('an empty file: 150 then 226 with no bytes', async () => {
    await fs.writeFile(path.join(f.root, 'empty.bin'), '');
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const body = readAll(await raw.passive());
    await raw.expect('RETR empty.bin', 150);
    expect((await body).length).toBe(0);
    expect((await raw.reply()).code).toBe(226);
    await expectClosed('empty.bin');
    raw.close();
  });

  test('the client closes the data connection early: 426, the handle is closed, and the session goes on', async () => {
    const size = 32 * 1024 * 1024;
    const data = await put('big.bin', size);
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const socket = await raw.passive();
    const first = once(socket, 'data');
    const record = f.transfer((t) => t.verb === 'RETR');
    await raw.expect('RETR big.bin', 150);
    await first;
    socket.destroy(); // gone after the first chunk, far from the end
    const reply = await raw.reply();
    expect(reply.code).toBe(426);
    expect(reply.text).toMatch(/transfer aborted/iu);
    const aborted = await record;
    expect(aborted).toMatchObject({ verb: 'RETR', outcome: 'aborted', code: 426 });
    expect(aborted.bytes).toBeGreaterThan(0);
    expect(aborted.bytes).toBeLessThan(size);
    await expectClosed('big.bin');
    // Healthy afterwards: commands answer and the next download is whole.
    await raw.expect('NOOP', 200);
    const again = readAll(await raw.passive());
    await raw.expect('RETR big.bin', 150);
    expect(sha256(await again)).toBe(sha256(data));
    expect((await raw.reply()).code).toBe(226);
    raw.close();
  });

  test('a file that shrinks while being sent is a 451 failure, never a 226', async () => {
    const size = 32 * 1024 * 1024;
    await put('shrinking.bin', size);
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    const socket = await raw.passive();
    socket.pause(); // the server stops on backpressure, far from the end
    const record = f.transfer((t) => t.verb === 'RETR');
    await raw.expect('RETR shrinking.bin', 150);
    await fs.truncate(path.join(f.root, 'shrinking.bin'), 1024 * 1024);
    const body = readAll(socket);
    socket.resume();
    const reply = await raw.reply();
    expect(reply.code).toBe(451);
    expect(reply.text).toMatch(/shrank/u);
    expect(await record).toMatchObject({ outcome: 'failed', code: 451 });
    expect((await body).length).toBeLessThan(size);
    await expectClosed('shrinking.bin');
    await raw.expect('NOOP', 200);
    raw.close();
  });

  test('no data connection set up: 425 and the file is closed again', async () => {
    await put('a.bin', 100_000);
    const raw = await RawFtp.login(f.port);
    await raw.expect('TYPE I', 200);
    await raw.expect('RETR a.bin', 425);
    await raw.expect('NOOP', 200); // runs once RETR has finished, handle closing included
    await expectClosed('a.bin');
    raw.close();
  });

  test('20 concurrent RETRs (big buffers, then a crowd on small ones) all arrive byte-exact', async () => {
    const files = [await put('a.bin', 3 * 1024 * 1024 + 1), await put('b.bin', 2 * 1024 * 1024 - 3)];
    const clients = await Promise.all(Array.from({ length: 20 }, () => ftpClient(f.port)));
    const got = await Promise.all(
      clients.map(async (c, i) => {
        const out = sink();
        await c.downloadTo(out.stream, i % 2 === 0 ? 'a.bin' : 'b.bin');
        return sha256(out.bytes());
      }),
    );
    expect(got).toEqual(clients.map((_, i) => sha256(files[i % 2]!)));
    expect(f.transfers.filter((t) => t.verb === 'RETR' && t.outcome === 'complete' && t.code === 226)).toHaveLength(20);
    await expectClosed('a.bin');
    await expectClosed('b.bin');
    for (const c of clients) c.close();
  });
});
