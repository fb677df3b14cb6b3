// Streaming a byte range of an open file to a response from pooled buffers: fast alone, bounded memory in a crowd.
import type { ServerResponse } from 'node:http';
import type { FileHandle } from 'node:fs/promises';

/** Read buffers: big ones for speed while few downloads run, small ones for a crowd. */
const BIG = 1024 * 1024;
const SMALL = 32 * 1024;
/** Free small buffers kept for reuse, in bytes. */
const SMALL_KEEP = 16 * 1024 * 1024;

/**
 * Read buffers shared by every download of a door. The big ones are a fixed set worth `budget`
 * bytes, used while few downloads run (each may hold three); once more run than the set can serve,
 * every download moves to one small buffer at its next chunk. So memory stays near `budget` +
 * 32 KiB per download, and buffers are reused rather than allocated per read: fs.ReadStream
 * allocates a fresh buffer for every read, and 300 downloads at once that way took the process
 * past 250 MB of RSS (this pool: under 140 MB for the whole server).
 */
export class BufferPool {
  /** Downloads in progress. */
  active = 0;
  private readonly bigLimit: number;
  private bigMade = 0;
  private readonly bigFree: Buffer[] = [];
  private readonly smallFree: Buffer[] = [];

  constructor(budget: number) {
    this.bigLimit = Math.max(2, Math.floor(budget / BIG));
  }

  /** True when more downloads run than the big buffers can serve (three each). */
  get crowded(): boolean {
    return this.active * 3 > this.bigLimit;
  }

  /**
   * Buffers one download may hold: alone, one being read into while two wait in the socket; in a
   * crowd just one (read, then write): the other downloads keep the disk and the network busy.
   */
  get depth(): number {
    return this.crowded ? 1 : 3;
  }

  /** The buffer for the next read: `current` if it still fits the crowd, else a swap (reused when possible). */
  next(current: Buffer | null): Buffer {
    const crowded = this.crowded;
    if (current !== null) {
      const big = current.length === BIG;
      if (big !== crowded) return current; // big while few run, small in a crowd: keep it
      if (!big && this.bigFree.length === 0 && this.bigMade >= this.bigLimit) return current;
      this.give(current);
    }
    if (!crowded) {
      const big = this.bigFree.pop() ?? (this.bigMade < this.bigLimit ? (this.bigMade++, Buffer.allocUnsafeSlow(BIG)) : undefined);
      if (big !== undefined) return big;
    }
    return this.smallFree.pop() ?? Buffer.allocUnsafeSlow(SMALL);
  }

  /** Hand a buffer back (no read or write may still use it). */
  give(buffer: Buffer): void {
    if (buffer.length === BIG) this.bigFree.push(buffer);
    else if ((this.smallFree.length + 1) * SMALL <= SMALL_KEEP) this.smallFree.push(buffer);
  }
}

/**
 * Writes chunks to one response and says when the socket has taken each (so its buffer may be
 * reused). One 'close' listener for the whole download fails the writes still waiting: a write to
 * a destroyed socket never calls back.
 */
class ChunkWriter {
  private readonly waiting = new Set<(err: Error) => void>();
  private closed = false;

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => {
      this.closed = true;
      const err = new Error('the response is closed');
      for (const fail of this.waiting) fail(err);
      this.waiting.clear();
    });
  }

  write(chunk: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed || this.res.destroyed) {
        reject(new Error('the response is closed'));
        return;
      }
      this.waiting.add(reject);
      this.res.write(chunk, (err) => {
        this.waiting.delete(reject);
        if (err) reject(err);
        else resolve();
      });
    });
  }
}

/**
 * Send bytes [start, end] of `handle` as the body of `res` (whose headers are set), then end it;
 * closes the handle. Up to two chunks wait in the socket while the next is read (none in a crowd),
 * so the socket never runs dry waiting for JavaScript; a buffer is reused only once its write has
 * completed (backpressure: never more than `pool.depth` chunks held). If the client goes away (or
 * the file shrinks under us) the response is destroyed. Resolves with the bytes read for it.
 */
export async function sendRange(res: ServerResponse, handle: FileHandle, start: number, end: number, pool: BufferPool): Promise<number> {
  pool.active++;
  /** Buffers held that no read or write uses. */
  const spare: Buffer[] = [];
  /** Writes in order; each keeps its buffer until it completes. */
  const writes: Array<{ done: Promise<void>; buffer: Buffer }> = [];
  let reading: { done: Promise<number>; buffer: Buffer } | null = null;
  let position = start;
  const writer = new ChunkWriter(res);
  try {
    for (;;) {
      // With all its buffers held, the next read waits for the oldest write to free one.
      const oldest = writes[0];
      if (spare.length === 0 && oldest !== undefined && writes.length >= pool.depth - 1) {
        await oldest.done;
        writes.shift();
        spare.push(oldest.buffer);
      }
      const buffer = pool.next(spare.pop() ?? null); // big or small, following the crowd
      const length = Math.min(buffer.length, end + 1 - position);
      reading = { done: handle.read(buffer, 0, length, position).then((r) => r.bytesRead), buffer };
      const n = await reading.done;
      reading = null;
      if (n === 0) {
        spare.push(buffer);
        throw new Error('the file shrank while being sent');
      }
      position += n;
      const done = writer.write(buffer.subarray(0, n));
      done.catch(() => undefined); // awaited later; meanwhile a rejection is not "unhandled"
      writes.push({ done, buffer });
      if (position > end) break;
    }
    for (const w of writes) await w.done;
    res.end();
  } catch {
    res.destroy();
  } finally {
    // A read or write still running uses its buffer: only after it may the buffer serve another download.
    if (reading !== null) {
      await reading.done.catch(() => 0);
      spare.push(reading.buffer);
    }
    await Promise.allSettled(writes.map((w) => w.done));
    for (const buffer of [...spare, ...writes.map((w) => w.buffer)]) pool.give(buffer);
    pool.active--;
    await handle.close().catch(() => undefined);
  }
  return position - start;
}
