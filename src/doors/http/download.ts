// Streaming a byte range of an open file to a response from pooled buffers: fast alone, bounded memory in a crowd.
import type { ServerResponse } from 'node:http';
import type { FileHandle } from 'node:fs/promises';

/** Read buffers: big ones for speed while few downloads run, small ones for a crowd. */
const BIG = 1024 * 1024;
const SMALL = 32 * 1024;
/** Free small buffers kept for reuse, in bytes. */
const SMALL_KEEP = 16 * 1024 * 1024;

/**
 * Read buffers shared by every download of a door; a download holds two (one being read into, one
 * being written out). The big ones are a fixed set worth `budget` bytes, used only while at most
 * half as many downloads run as there are big buffers; past that every download moves to small
 * ones at its next chunk. So memory stays near `budget` + 64 KiB per download, and buffers are
 * reused rather than allocated per read: fs.ReadStream allocates a fresh buffer for every read,
 * and 300 downloads at once that way took the process past 250 MB of RSS.
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

  /** True when too many downloads run for big buffers. */
  get crowded(): boolean {
    return this.active * 2 > this.bigLimit;
  }

  /** Buffers one download may hold: one being read into, the rest queued in the socket (fewer in a crowd). */
  get depth(): number {
    return this.crowded ? 2 : 3;
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

/** Write one chunk and wait until the socket has taken it (so its buffer may be reused). */
function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (res.destroyed) {
      reject(new Error('the response is closed'));
      return;
    }
    const onClose = (): void => reject(new Error('the response is closed'));
    res.once('close', onClose);
    res.write(chunk, (err) => {
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Send bytes [start, end] of `handle` as the body of `res` (whose headers are set), then end it;
 * closes the handle. Up to two chunks wait in the socket while the next is read (one in a crowd),
 * so the socket never runs dry waiting for JavaScript; a buffer is reused only once its write has
 * completed (backpressure: never more than `pool.depth` chunks held). If the client goes away (or the file shrinks
 * under us) the response is destroyed. Resolves with the bytes read for it.
 */
export async function sendRange(res: ServerResponse, handle: FileHandle, start: number, end: number, pool: BufferPool): Promise<number> {
  pool.active++;
  /** Buffers held that no read or write uses. */
  const spare: Buffer[] = [];
  /** Writes in order; each keeps its buffer until it completes. */
  const writes: Array<{ done: Promise<void>; buffer: Buffer }> = [];
  let reading: { done: Promise<number>; buffer: Buffer } | null = null;
  let position = start;
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
      const done = write(res, buffer.subarray(0, n));
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
