// Streaming a byte range of an open file to a connection (HTTP response, FTP data socket) from pooled buffers: fast alone, bounded memory in a crowd.
import type { FileHandle } from 'node:fs/promises';
import { NetroomError } from '../core/errors.js';

/** Read buffers: big ones for speed while few downloads run, small ones for a crowd. */
const BIG = 1024 * 1024;
/** Default size of the small (crowd) buffers. */
export const DEFAULT_CROWD_CHUNK = 32 * 1024;
/** Free small buffers kept for reuse, in bytes. */
const SMALL_KEEP = 16 * 1024 * 1024;

/** Default budget of a door's big read buffers, in bytes (`downloadBufferBytes`). */
export const DEFAULT_BUFFER_BUDGET = 16 * 1024 * 1024;

/**
 * Read buffers shared by every download of a door. The big ones are a fixed set worth `budget`
 * bytes, used while few downloads run (each may hold three); once more run than the set can serve,
 * every download moves to one small buffer (`crowdChunk`, 32 KiB by default) at its next chunk.
 * So memory stays near `budget` + one small buffer per download, and buffers are reused rather than allocated per read: fs.ReadStream
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

  constructor(
    budget: number,
    private readonly crowdChunk = DEFAULT_CROWD_CHUNK,
  ) {
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
    return this.smallFree.pop() ?? Buffer.allocUnsafeSlow(this.crowdChunk);
  }

  /** Hand a buffer back (no read or write may still use it). */
  give(buffer: Buffer): void {
    if (buffer.length === BIG) this.bigFree.push(buffer);
    else if ((this.smallFree.length + 1) * this.crowdChunk <= SMALL_KEEP) this.smallFree.push(buffer);
  }
}

/**
 * Where sendRange writes: what an http.ServerResponse (headers already sent) and a net.Socket
 * have in common, so the HTTP and FTP doors share one sender.
 */
export interface ByteSink {
  /** The callback runs once the chunk has been handed on (its buffer may be reused), or with the error. */
  write(chunk: Uint8Array, callback: (err?: Error | null) => void): boolean;
  end(): unknown;
  destroy(): unknown;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** How a send ended. */
export interface SendResult {
  /** Bytes read from the file for it (all of the range when it completed). */
  readonly read: number;
  /**
   * Null when every byte was handed to the sink and it was ended. Otherwise why it stopped: a
   * NetroomError IO_ERROR for the file's side (a read failed, the file shrank), anything else for
   * the sink's (the client went away); the sink has been destroyed.
   */
  readonly error: Error | null;
}

/**
 * Writes chunks to one sink and says when the socket has taken each (so its buffer may be reused).
 * One 'close' listener for the whole download fails the writes still waiting: a write to a
 * destroyed socket never calls back.
 */
class ChunkWriter {
  private readonly waiting = new Set<(err: Error) => void>();
  private closed = false;

  constructor(private readonly sink: ByteSink) {
    sink.once('close', () => {
      this.closed = true;
      const err = new Error('the connection is closed');
      for (const fail of this.waiting) fail(err);
      this.waiting.clear();
    });
  }

  write(chunk: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed || this.sink.destroyed) {
        reject(new Error('the connection is closed'));
        return;
      }
      this.waiting.add(reject);
      this.sink.write(chunk, (err) => {
        this.waiting.delete(reject);
        if (err) reject(err);
        else resolve();
      });
    });
  }
}

/** A failed read as the file's fault, so a door can tell it from a client that went away. */
function readFailure(err: unknown): NetroomError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new NetroomError('IO_ERROR', `reading the file failed: ${code ?? String(err)}`);
}

/**
 * Send bytes [start, end] of `handle` to `sink` (for HTTP: the body, headers already sent), then
 * end it; closes the handle. Up to two chunks wait in the socket while the next is read (none in a
 * crowd), so the socket never runs dry waiting for JavaScript; a buffer is reused only once its
 * write has completed (backpressure: never more than `pool.depth` chunks held). If the client goes
 * away (or the file shrinks under us) the sink is destroyed and the result says why.
 */
export async function sendRange(sink: ByteSink, handle: FileHandle, start: number, end: number, pool: BufferPool): Promise<SendResult> {
  pool.active++;
  /** Buffers held that no read or write uses. */
  const spare: Buffer[] = [];
  /** Writes in order; each keeps its buffer until it completes. */
  const writes: Array<{ done: Promise<void>; buffer: Buffer }> = [];
  let reading: { done: Promise<number>; buffer: Buffer } | null = null;
  let position = start;
  let error: Error | null = null;
  const writer = new ChunkWriter(sink);
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
      reading = {
        done: handle.read(buffer, 0, length, position).then(
          (r) => r.bytesRead,
          (err: unknown) => {
            throw readFailure(err);
          },
        ),
        buffer,
      };
      const n = await reading.done;
      reading = null;
      if (n === 0) {
        spare.push(buffer);
        throw new NetroomError('IO_ERROR', 'the file shrank while being sent');
      }
      position += n;
      const done = writer.write(buffer.subarray(0, n));
      done.catch(() => undefined); // awaited later; meanwhile a rejection is not "unhandled"
      writes.push({ done, buffer });
      if (position > end) break;
    }
    for (const w of writes) await w.done;
    sink.end();
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
    sink.destroy();
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
  return { read: position - start, error };
}
