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

  /** The buffer for the next read: `current` if it still fits the crowd, else a swap (reused when possible). */
  next(current: Buffer | null): Buffer {
    const crowded = this.active * 2 > this.bigLimit;
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
 * closes the handle. Reads the next chunk while the socket takes the current one; waits for each
 * write to complete before reusing its buffer (backpressure: never more than two chunks held).
 * If the client goes away (or the file shrinks under us) the response is destroyed. Resolves with
 * the bytes read for it (all of them unless it failed).
 */
export async function sendRange(res: ServerResponse, handle: FileHandle, start: number, end: number, pool: BufferPool): Promise<number> {
  pool.active++;
  let front = pool.next(null);
  let back = pool.next(null);
  let position = start;
  let reading: Promise<number> | null = null;
  const read = (into: Buffer): Promise<number> =>
    handle.read(into, 0, Math.min(into.length, end + 1 - position), position).then((r) => r.bytesRead);
  try {
    reading = read(front);
    let writing: Promise<void> = Promise.resolve();
    for (;;) {
      const n = await reading;
      reading = null;
      if (n === 0) throw new Error('the file shrank while being sent');
      position += n;
      await writing; // `back` is free again
      [front, back] = [back, front];
      writing = write(res, back.subarray(0, n));
      if (position > end) break;
      front = pool.next(front); // follows the crowd: big buffers while few download, small in a crowd
      reading = read(front);
      writing.catch(() => undefined); // awaited on the next turn; meanwhile a rejection is not "unhandled"
    }
    await writing;
    res.end();
  } catch {
    res.destroy();
  } finally {
    // A read still running writes into its buffer: only then may the buffer serve another download.
    if (reading !== null) await reading.catch(() => 0);
    pool.give(front);
    pool.give(back);
    pool.active--;
    await handle.close().catch(() => undefined);
  }
  return position - start;
}
