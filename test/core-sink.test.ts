// Unit tests of the shared upload write path: the SHA-256 thread pool and HashedFileWriter, on real files.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashedFileWriter, SLOT_SIZE } from '../src/core/sink/hashed-writer.js';
import { Sha256Pool } from '../src/core/sink/sha256-pool.js';
import { waitForHiddenFile } from './helpers/http.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let dir: string;
const pool = new Sha256Pool({ size: 2 });

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-sink-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
afterAll(() => pool.close());

/** An ArrayBuffer of its own holding `data`, as the writer hands slots to the pool (transferred). */
function slot(data: Buffer): ArrayBuffer {
  const buffer = new ArrayBuffer(data.length);
  new Uint8Array(buffer).set(data);
  return buffer;
}

/** The smallest useful writer: exposes what the base keeps; the size limit is the base's own. */
class TestWriter extends HashedFileWriter {
  constructor(init: Omit<ConstructorParameters<typeof HashedFileWriter>[0], 'maxSize'>, maxSize = Infinity) {
    super({ ...init, maxSize });
  }
  get state(): { accepted: number; written: number; digest: string | null } {
    return { accepted: this.accepted, written: this.written, digest: this.digest };
  }
}

/** `data` as a stream of chunks of irregular sizes (so slots fill across chunk boundaries). */
function chunked(data: Buffer): Readable {
  const sizes = [1, 65_536, 7, SLOT_SIZE, 100_003, 3 * SLOT_SIZE + 5];
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    chunks.push(data.subarray(at, at + n));
    at += n;
  }
  return Readable.from(chunks);
}

describe('Sha256Pool', () => {
  it('gives the same digest as node:crypto over many updates, on concurrent jobs', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => randomBytes(100_000 * (i + 1)));
    const digests = await Promise.all(
      inputs.map(async (data) => {
        const job = pool.open();
        const parts = [data.subarray(0, 1), data.subarray(1, 50_000), data.subarray(50_000)];
        await Promise.all(parts.map((p) => job.update(slot(p), p.length)));
        return job.digest();
      }),
    );
    expect(digests).toEqual(inputs.map(sha256));
    expect(pool.threadCount).toBeLessThanOrEqual(2);
  });

  it('hands each transferred buffer back whole, for reuse', async () => {
    const job = pool.open();
    const data = randomBytes(1000);
    const buffer = slot(data);
    const back = await job.update(buffer, 600);
    expect(buffer.byteLength).toBe(0); // transferred, not copied
    expect(Buffer.from(back).equals(data)).toBe(true);
    expect(await job.digest()).toBe(sha256(data.subarray(0, 600)));
  });

  it('starts from a file prefix read by the worker, and fails cleanly when the file is short', async () => {
    const data = randomBytes(3_000_000);
    const file = path.join(dir, 'prefix.bin');
    await fs.writeFile(file, data.subarray(0, 2_000_000));
    const job = pool.open({ file, length: 2_000_000 });
    await job.ready;
    const rest = data.subarray(2_000_000);
    await job.update(slot(rest), rest.length);
    expect(await job.digest()).toBe(sha256(data));

    const short = pool.open({ file, length: 2_000_001 });
    await expect(short.ready).rejects.toThrow(/ended after 2000000/);
    await expect(short.update(slot(rest), 1)).rejects.toThrow();
    const missing = pool.open({ file: path.join(dir, 'nope'), length: 5 });
    await expect(missing.ready).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a thread that stops fails its jobs with an error instead of hanging, and the pool goes on', async () => {
    const own = new Sha256Pool({ size: 1 });
    const job = own.open();
    await job.ready;
    const pending = job.update(slot(randomBytes(10)), 10);
    await own.close();
    await expect(pending.then(() => job.digest())).rejects.toThrow(/hashing thread stopped/);
    const again = own.open();
    await again.update(slot(Buffer.from('abc')), 3);
    expect(await again.digest()).toBe(sha256(Buffer.from('abc')));
    await own.close();
  });
});

describe('HashedFileWriter', () => {
  it('writes every byte at its position and hashes the whole file, across slot boundaries', async () => {
    const data = randomBytes(5 * SLOT_SIZE + 12_345);
    const file = path.join(dir, 'out.bin');
    const writer = new TestWriter({ handle: await fs.open(file, 'w'), start: 0, hash: pool.open(), rel: 'out.bin' });
    await pipeline(chunked(data), writer);
    expect(writer.state).toEqual({ accepted: data.length, written: data.length, digest: sha256(data) });
    expect((await fs.readFile(file)).equals(data)).toBe(true);
  });

  it('continues after a prefix already in the file without touching it', async () => {
    const data = randomBytes(2 * SLOT_SIZE + 99);
    const file = path.join(dir, 'cont.bin');
    const cut = SLOT_SIZE + 7;
    await fs.writeFile(file, data.subarray(0, cut));
    const hash = pool.open({ file, length: cut });
    const writer = new TestWriter({ handle: await fs.open(file, 'r+'), start: cut, hash, rel: 'cont.bin' });
    await pipeline(chunked(data.subarray(cut)), writer);
    expect(writer.state.digest).toBe(sha256(data));
    expect((await fs.readFile(file)).equals(data)).toBe(true);
  });

  it('a refused chunk fails the stream and nothing after it is taken', async () => {
    const file = path.join(dir, 'limited.bin');
    const writer = new TestWriter({ handle: await fs.open(file, 'w'), start: 0, hash: pool.open(), rel: 'limited.bin' }, 1000);
    await expect(pipeline(Readable.from([randomBytes(600), randomBytes(600)]), writer)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(writer.state.accepted).toBe(600);
    expect(writer.state.written).toBe(600);
  });

  it('a failed write stops the writes not yet started, and `written` stops where it began', async () => {
    const data = randomBytes(6 * SLOT_SIZE);
    const file = path.join(dir, 'failing.bin');
    const handle = await fs.open(file, 'w');
    let writes = 0;
    const failing = new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'write') {
          return (...args: Parameters<typeof handle.write>) => {
            writes++;
            if (writes === 3) return Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
            return (target.write as (...a: unknown[]) => Promise<unknown>)(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const writer = new TestWriter({ handle: failing, start: 0, hash: pool.open(), rel: 'failing.bin' });
    await expect(pipeline(Readable.from([data]), writer)).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(writer.state.written).toBe(2 * SLOT_SIZE);
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(writes).toBeLessThan(6); // the sixth slot's write never started
    const onDisk = await fs.readFile(file);
    expect(onDisk.subarray(0, 2 * SLOT_SIZE).equals(data.subarray(0, 2 * SLOT_SIZE))).toBe(true);
  });

  it('many uploads at once share the bounded slots without a deadlock, each byte-exact', async () => {
    const inputs = Array.from({ length: 20 }, () => randomBytes(8 * SLOT_SIZE + 1)); // 20 x 9 slots: past the 128 of all uploads
    const results = await Promise.all(
      inputs.map(async (data, i) => {
        const file = path.join(dir, `many-${i}.bin`);
        const writer = new TestWriter({ handle: await fs.open(file, 'w'), start: 0, hash: pool.open(), rel: file });
        await pipeline(chunked(data), writer);
        return { digest: writer.state.digest, same: (await fs.readFile(file)).equals(data) };
      }),
    );
    expect(results).toEqual(inputs.map((data) => ({ digest: sha256(data), same: true })));
  });

  it('a stalled sender still gets its bytes into the file (a part-filled slot is written when idle)', async () => {
    const file = path.join(dir, '.stalled.bin');
    const writer = new TestWriter({ handle: await fs.open(file, 'w'), start: 0, hash: pool.open(), rel: 'stalled.bin' });
    writer.write(Buffer.from('hello'));
    await waitForHiddenFile(dir, 5);
    expect(await fs.readFile(file, 'utf8')).toBe('hello');
    writer.destroy();
  });
});
