// The write path every upload shares: bytes into an open file at a position, SHA-256 on the way.
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { NetroomError, fromSystemError, isNetroomError } from '../errors.js';
import type { Sha256Job } from './sha256-pool.js';
import { SLOTS_IN_ALL, SLOTS_PER_WRITER, SLOT_SIZE, budget, giveSlot, takeSlot } from './slots.js';

export { SLOT_SIZE } from './slots.js';

/** Written bytes after which a data sync starts behind the writes, so the closing fsync is short. */
export const FLUSH_BEHIND = 64 * 1024 * 1024;

/** Where a writer starts: its open file, the file position of its first byte, and its hash. */
export interface HashedWriterInit {
  readonly handle: FileHandle;
  readonly start: number;
  /** A hash already holding the file's first `start` bytes (see Sha256Pool.open). */
  readonly hash: Sha256Job;
  /** The upload's library path, for error messages. */
  readonly rel: string;
  /** Largest file size taken (TOO_LARGE past it, before the byte is written). */
  readonly maxSize: number;
}

interface Slot {
  /** Replaced by the one the hashing thread hands back (a transfer, not a copy). */
  buffer: ArrayBuffer;
  fill: number;
  /** File position of its first byte, once dispatched. */
  at: number;
  state: 'filling' | 'queued' | 'writing' | 'written' | 'failed';
  /** Resolves the slot's entry in `active` once it is free again. */
  done: () => void;
}

/** Slot writes one upload keeps in flight at once: they overlap the thread-pool round trips. */
const WRITES_IN_FLIGHT = 4;

/**
 * A Writable into an open file. Incoming chunks are copied into slots; each full slot is written
 * at its position on the libuv pool (up to 4 writes at once: one at a time, the pool's round trips
 * left 600 MB/s uploads waiting for slots 70% of the time), then, in file order, transferred (not
 * copied) to a hashing thread and handed back, so the event loop only copies while hashing runs
 * on another core. (Shared memory would let the hash and the write run at once, but V8 copies into a
 * SharedArrayBuffer with relaxed atomics: 8% of all CPU in a 1 GiB upload, against ~1% here.)
 * Every 64 MiB a data sync runs behind the writes. `_final` makes the file durable (fsync) and
 * takes the digest; destroying closes the file. Subclasses decide what happens to the file
 * (rename, keep, remove).
 *
 * After a write fails no other write starts; those already running finish, but `written` stops
 * where the failed one began, so it is always a prefix known to be in the file (a kept upload is
 * cut back to it).
 */
export abstract class HashedFileWriter extends Writable {
  protected readonly handle: FileHandle;
  protected readonly rel: string;
  private readonly maxSize: number;
  private readonly hash: Sha256Job;
  /** File position where the next accepted byte goes. */
  private acceptedTo: number;
  /** File position up to which bytes are handed to the writes. */
  private queuedTo: number;
  /** File position up to which every byte is written. */
  private writtenTo: number;
  private syncedTo: number;
  private current: Slot | null = null;
  private slotsInUse = 0;
  private readonly slotWaiters: Array<() => void> = [];
  /** Each dispatched slot until both its write and its hash are done. */
  private readonly active = new Set<Promise<void>>();
  /** Dispatched slots in file order, until written (or failed) and handed on. */
  private readonly inOrder: Slot[] = [];
  /** Dispatched slots waiting for a write to start. */
  private readonly writeQueue: Slot[] = [];
  /** Slot writes running. */
  private writing = 0;
  /** Where the first failed write started: bytes from here on are not known to be in the file. */
  private failedAt = Infinity;
  private idleCheck: NodeJS.Immediate | null = null;
  private dataSync: Promise<void> | null = null;
  private failure: NetroomError | null = null;
  private sha256: string | null = null;
  /** True once `_final` has made every byte durable. */
  protected flushed = false;

  constructor(init: HashedWriterInit) {
    super({ highWaterMark: 256 * 1024 });
    this.handle = init.handle;
    this.rel = init.rel;
    this.maxSize = init.maxSize;
    this.hash = init.hash;
    this.acceptedTo = init.start;
    this.queuedTo = init.start;
    this.writtenTo = init.start;
    this.syncedTo = init.start;
  }

  /** File position after the last byte taken (the size the file will have). */
  protected get accepted(): number {
    return this.acceptedTo;
  }

  /** File position up to which every byte is known to be in the file. */
  protected get written(): number {
    return this.writtenTo;
  }

  /** The SHA-256 (hex) of the whole file, once `_final` has run. */
  protected get digest(): string | null {
    return this.sha256;
  }

  /** Refuse `size` more bytes at `position`, or null to take them: past `maxSize` is TOO_LARGE. */
  protected refuse(position: number, size: number): NetroomError | null {
    if (position + size <= this.maxSize) return null;
    return new NetroomError('TOO_LARGE', `the upload is larger than the limit of ${this.maxSize} bytes`, { max: this.maxSize });
  }

  /**
   * End the stream and wait until `_final` has written and synced every byte. A write or fsync
   * error rejects as it is; anything else (destroyed before or meanwhile, e.g. abort() while this
   * waits: ERR_STREAM_PREMATURE_CLOSE) rejects as UPLOAD_ABORTED.
   */
  protected async endAndWait(): Promise<void> {
    if (this.writableFinished) return;
    const aborted = new NetroomError('UPLOAD_ABORTED', `the upload of ${this.rel} was aborted`);
    if (this.destroyed) throw aborted;
    if (!this.writableEnded) this.end();
    try {
      await finished(this, { readable: false });
    } catch (err) {
      if (isNetroomError(err)) throw err;
      throw aborted;
    }
  }

  /** Called first thing on destroy, synchronously (an upload's temp is removed here at once). */
  protected onDestroy(_error: Error | null): void {
    // nothing by default
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take([chunk], chunk.length, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    this.take(
      buffers,
      buffers.reduce((n, b) => n + b.length, 0),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.dispatch();
    this.settle()
      .then(async () => {
        if (this.failure !== null) throw this.failure;
        const [digest] = await Promise.all([this.hash.digest(), this.handle.sync()]);
        this.sha256 = digest;
        this.flushed = true;
      })
      .then(
        () => callback(),
        (err: unknown) => callback(this.failure ?? fromSystemError(err, this.rel)),
      );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.onDestroy(error);
    if (this.idleCheck !== null) clearImmediate(this.idleCheck);
    this.idleCheck = null;
    this.wakeAll();
    // What was taken is written out too (a dropped upload keeps every byte that arrived); close
    // only after the writes in flight, so `written` is what really reached the file.
    this.dispatch();
    this.settle()
      .then(() => {
        this.hash.drop();
        return this.handle.close();
      })
      .then(
        () => callback(error),
        () => callback(error),
      );
  }

  private take(buffers: Buffer[], size: number, callback: (error?: Error | null) => void): void {
    if (this.failure !== null) {
      callback(this.failure);
      return;
    }
    const refusal = this.refuse(this.acceptedTo, size);
    if (refusal !== null) {
      callback(refusal);
      return;
    }
    this.acceptedTo += size;
    this.copyIn(buffers).then(
      () => {
        this.flushWhenIdle();
        callback(this.failure);
      },
      (err: unknown) => callback(fromSystemError(err, this.rel)),
    );
  }

  /** Copy into slots, dispatching each full one; waits while every slot of this writer is busy. */
  private async copyIn(buffers: Buffer[]): Promise<void> {
    for (const buffer of buffers) {
      let offset = 0;
      while (offset < buffer.length) {
        if (this.current === null) {
          for (;;) {
            if (this.failure !== null || this.destroyed) return;
            if (this.slotsInUse >= SLOTS_PER_WRITER) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
            else if (budget.inUse >= SLOTS_IN_ALL) await new Promise<void>((resolve) => budget.waiting.push(resolve));
            else break;
          }
          this.slotsInUse++;
          budget.inUse++;
          this.current = { buffer: takeSlot(), fill: 0, at: 0, state: 'filling', done: () => undefined };
        }
        const slot = this.current;
        const n = Math.min(SLOT_SIZE - slot.fill, buffer.length - offset);
        new Uint8Array(slot.buffer, slot.fill, n).set(buffer.subarray(offset, offset + n));
        slot.fill += n;
        offset += n;
        if (slot.fill === SLOT_SIZE) this.dispatch();
      }
    }
  }

  /**
   * A slot is written when full, or once nothing more arrived in this turn of the event loop and
   * the file is idle: a slow or stalled sender's bytes still reach the file, and a fast one's are
   * written in whole slots.
   */
  private flushWhenIdle(): void {
    if (this.idleCheck !== null || this.current === null || this.current.fill === 0) return;
    this.idleCheck = setImmediate(() => {
      this.idleCheck = null;
      if (this.writing === 0 && this.writeQueue.length === 0 && !this.destroyed) this.dispatch();
    });
  }

  /** Hand the current slot to the writes; once written (in file order) it goes to the hash. */
  private dispatch(): void {
    const slot = this.current;
    this.current = null;
    if (slot === null) return;
    if (slot.fill === 0) {
      this.freeSlot(slot);
      return;
    }
    slot.at = this.queuedTo;
    this.queuedTo += slot.fill;
    slot.state = 'queued';
    const done = new Promise<void>((resolve) => (slot.done = resolve));
    this.active.add(done);
    void done.then(() => this.active.delete(done));
    this.inOrder.push(slot);
    this.writeQueue.push(slot);
    this.startWrites();
  }

  /**
   * Start queued writes, up to WRITES_IN_FLIGHT, each at its own position. Once a write has failed
   * none starts: what is written stays a prefix of what was sent (up to `failedAt`).
   */
  private startWrites(): void {
    while (this.writing < WRITES_IN_FLIGHT && this.writeQueue.length > 0) {
      const slot = this.writeQueue.shift()!;
      if (this.failure !== null) {
        slot.state = 'failed';
        continue;
      }
      slot.state = 'writing';
      this.writing++;
      this.writeSlot(slot).then(
        () => {
          slot.state = 'written';
        },
        (err: unknown) => {
          slot.state = 'failed';
          this.failedAt = Math.min(this.failedAt, slot.at);
          this.fail(fromSystemError(err, this.rel));
        },
      ).finally(() => {
        this.writing--;
        this.handOn();
        this.startWrites();
        this.flushWhenIdle();
      });
    }
    this.handOn();
  }

  /**
   * Take the written slots off the front of the file order: count them as written (below the
   * first failure), hash them in that order, then free them.
   */
  private handOn(): void {
    for (let head = this.inOrder[0]; head !== undefined && (head.state === 'written' || head.state === 'failed'); head = this.inOrder[0]) {
      this.inOrder.shift();
      const slot = head;
      if (slot.state === 'written' && slot.at < this.failedAt) {
        this.writtenTo = slot.at + slot.fill;
        this.syncBehind();
      }
      const release = (): void => {
        this.freeSlot(slot);
        slot.done();
      };
      if (slot.state === 'written') void this.hashSlot(slot).then(release);
      else release();
    }
  }

  /** Feed a written slot to the hash; its buffer comes back for reuse. */
  private async hashSlot(slot: Slot): Promise<void> {
    if (this.failure !== null || this.destroyed) return;
    try {
      slot.buffer = await this.hash.update(slot.buffer, slot.fill);
    } catch (err) {
      this.fail(new NetroomError('IO_ERROR', `could not hash ${this.rel}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** Write every byte of a slot at its position. */
  private async writeSlot(slot: Slot): Promise<void> {
    let done = 0;
    while (done < slot.fill) {
      const { bytesWritten } = await this.handle.write(new Uint8Array(slot.buffer, done, slot.fill - done), 0, slot.fill - done, slot.at + done);
      if (bytesWritten === 0) throw Object.assign(new Error('the file took no bytes'), { code: 'EIO' });
      done += bytesWritten;
    }
  }

  /** Start a data sync of what is written once enough has piled up since the last one. */
  private syncBehind(): void {
    if (this.dataSync !== null || this.writtenTo - this.syncedTo < FLUSH_BEHIND) return;
    const upTo = this.writtenTo;
    this.dataSync = this.handle.datasync().then(
      () => {
        this.syncedTo = upTo;
        this.dataSync = null;
      },
      (err: unknown) => {
        this.dataSync = null;
        this.fail(fromSystemError(err, this.rel));
      },
    );
  }

  private freeSlot(slot: Slot): void {
    giveSlot(slot.buffer);
    this.slotsInUse--;
    budget.inUse--;
    this.slotWaiters.shift()?.();
    budget.waiting.shift()?.();
  }

  private fail(err: NetroomError): void {
    this.failure ??= err;
    // Wake a copy waiting for a slot so it can report the failure.
    this.wakeAll();
  }

  /** Wake every copy waiting for a slot (this writer's, and those waiting on all: one may be this). */
  private wakeAll(): void {
    for (const wake of this.slotWaiters.splice(0)) wake();
    for (const wake of budget.waiting.splice(0)) wake();
  }

  /** Wait until no slot is being written or hashed and no data sync runs. */
  private async settle(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active);
    while (this.dataSync !== null) await this.dataSync;
  }
}
