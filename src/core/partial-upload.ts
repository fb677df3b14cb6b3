// One resumable upload in progress: a Writable into its own hidden file beside the target, hashing on the way.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError, fromSystemError, isNetroomError } from './errors.js';
import type { LibraryChange } from './library-events.js';
import type { KeptBudget } from './kept-budget.js';
import type { PinnedDir } from './pinned.js';
import { putChangeOf } from './put-change.js';
import { HashedFileWriter } from './sink/hashed-writer.js';
import type { Sha256Job } from './sink/sha256-pool.js';
import { syncDir } from './sync-dir.js';

/** Hidden files of resumable uploads start with this; they are never listed or served. */
export const PARTIAL_PREFIX = '.netroom-partial-';

/**
 * `.netroom-partial-KEY-TOTAL` is the kept prefix of an interrupted upload, waiting to be continued
 * (KEY: 32 hex digits of the SHA-256 of the target's name, TOTAL: the whole file's size). An upload
 * in progress writes to `.netroom-partial-KEY-TOTAL-RANDOM` (`u` for an unknown total), which never
 * matches, so two uploads of one name never share a file and a reader never sees either.
 */
export const KEPT = /^\.netroom-partial-([0-9a-f]{32})-(\d+)$/u;

/** An interrupted upload as the server keeps it: how much it has, out of how much. */
export interface PartialInfo {
  readonly path: string;
  /** Bytes the server has: the next upload of this file continues at this offset. */
  readonly offset: number;
  /** The whole file's size, as declared by the upload. */
  readonly total: number;
}

/** A finished upload: where it went, its size, the SHA-256 of the whole file, and whether the name is new. */
export interface PartialResult {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly created: boolean;
}

/** What an upload needs from the store that started it (see PartialStore). */
export interface PartialBookkeeping {
  /** The upload has settled (committed, kept or aborted): forget its files. */
  settled(upload: PartialUpload, work: string): void;
  /** Kept files of `key` in `dir`, other than the one named `except`. */
  findKept(dir: string, key: string, except?: string): Promise<Array<{ file: string }>>;
}

/** Everything a PartialUpload is started with (by PartialStore.begin). */
export interface PartialInit {
  store: PartialBookkeeping;
  handle: FileHandle;
  target: string;
  rel: string;
  work: string;
  /** `work` by its real path, for the store's bookkeeping. */
  workKey: string;
  /** The checked folder every path here is in (closed once the upload has settled). */
  dir?: PinnedDir;
  kept: string | null;
  /** `kept` by its real path, for the budget. */
  keptKey?: string;
  /** The budget what is kept must fit, and whose address keeps it. */
  budget?: KeptBudget;
  address?: string;
  total: number | undefined;
  /** Position after which a byte is refused as more than the request announced. */
  limit: number | undefined;
  maxSize: number;
  noOverwrite: boolean;
  start: number;
  /** Holds the kept prefix's first `start` bytes already (Sha256Pool.open with a prefix). */
  hash: Sha256Job;
  /** Puts the finished file at the target under the permission table, recording its owner; true when the name is new (Library: FileRights.place). */
  place?: (work: string) => Promise<boolean>;
  /** Told once the file is in place (the Library announces it to its subscribers). */
  onPlaced?: (change: LibraryChange) => void;
}

/**
 * One upload in progress: a Writable into its own hidden file, hashing on the way. It ends in exactly
 * one of `commit()` (fsync, rename into place), `keep()` (stay hidden, to be continued) or `abort()`
 * (removed). Unlike core Upload, destroying it keeps the file: the caller decides what happens next.
 */
export class PartialUpload extends HashedFileWriter {
  readonly path: string;
  private readonly init: PartialInit;
  private settled = false;
  /** True once keep() found no room in the budget of kept uploads (or keeping is off). */
  overBudget = false;

  constructor(init: PartialInit) {
    super({ handle: init.handle, start: init.start, hash: init.hash, rel: init.rel, maxSize: init.maxSize });
    this.init = init;
    this.path = init.rel;
    // A write error may come after whoever copies into this stream has stopped listening (the body
    // ended just before); finish() and commit() report it, so here it must not crash the process.
    this.on('error', () => undefined);
  }

  /** Bytes of the file the server has (including a continued upload's kept prefix). */
  get received(): number {
    return this.written;
  }

  /** The whole file's declared size, if known. */
  get total(): number | undefined {
    return this.init.total;
  }

  /** The position this request should reach: its Content-Range end + 1, or the total. */
  get expected(): number | undefined {
    return this.init.limit;
  }

  protected override refuse(position: number, size: number): NetroomError | null {
    const tooLarge = super.refuse(position, size);
    if (tooLarge !== null) return tooLarge;
    const { limit, rel } = this.init;
    if (limit !== undefined && position + size > limit) {
      return new NetroomError('BAD_REQUEST', `more bytes than announced for ${rel} (${limit})`, { limit });
    }
    return null;
  }

  /**
   * The body has ended: write out what is buffered and fsync, so `received` is final. Rejects with
   * the write's error (TOO_LARGE, DISK_FULL...); then `abort()`.
   */
  async finish(): Promise<void> {
    await this.endAndWait();
  }

  /** All bytes are in: fsync, move into place atomically, report size and SHA-256 of the whole file. */
  async commit(): Promise<PartialResult> {
    const { work, target, rel, total, kept } = this.init;
    if (this.settled) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${rel} has already ended`);
    this.settled = true;
    try {
      await this.finish();
      if (!this.flushed) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${rel} was aborted`);
      if (total !== undefined && this.written !== total) {
        throw new NetroomError('BAD_REQUEST', `${rel}: ${this.written} of ${total} bytes arrived`, { received: this.written, total });
      }
      await this.release();
      // The folder may have been moved while the bytes came: it must still be inside the root.
      await this.init.dir?.verify(rel);
      const change = await putChangeOf(rel, work);
      const created = this.init.place !== undefined ? await this.init.place(work) : await place(work, target, this.init.noOverwrite);
      await syncDir(path.dirname(target));
      // A finished upload supersedes what was kept of an earlier try at the same file.
      if (kept !== null) await fs.rm(kept, { force: true });
      this.init.onPlaced?.(change);
      return { path: rel, size: this.written, sha256: this.digest ?? '', created };
    } catch (err) {
      await this.removeFile();
      throw isNetroomError(err) ? err : fromSystemError(err, rel);
    } finally {
      this.init.store.settled(this, this.init.workKey);
      await this.init.dir?.close();
    }
  }

  /**
   * Keep what arrived, hidden, so the upload can continue with Content-Range; replaces what was kept
   * of any earlier try. Without a known total or with nothing received there is nothing to continue:
   * the file is removed and null returned.
   */
  async keep(): Promise<PartialInfo | null> {
    const { work, kept, rel, total, target } = this.init;
    if (this.settled) return null;
    this.settled = true;
    try {
      // Write out what is buffered (every byte that reached the server counts), unless it failed.
      if (!this.destroyed && !this.writableFinished) await this.finish().catch(() => undefined);
      await this.release();
      if (kept === null || total === undefined || this.written === 0) {
        await this.removeFile();
        return null;
      }
      // Within the budget (issue 10, item 5): the oldest kept files make room, or nothing is kept.
      const { budget, keptKey, address } = this.init;
      if (budget !== undefined && keptKey !== undefined && !(await budget.admit(keptKey, this.written, address))) {
        this.overBudget = true;
        await this.removeFile();
        return null;
      }
      // A failed write may have left bytes past the last completed one: cut back to what is known good.
      const handle = await fs.open(work, 'r+');
      try {
        await handle.truncate(this.written);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(work, kept);
      if (keptKey !== undefined) budget?.owned(keptKey, address);
      const dir = path.dirname(target);
      const others = await this.init.store.findKept(dir, keyOf(target), path.basename(kept));
      await Promise.all(others.map((o) => fs.rm(o.file, { force: true })));
      return { path: rel, offset: this.written, total };
    } catch {
      await this.removeFile();
      return null;
    } finally {
      this.init.store.settled(this, this.init.workKey);
      await this.init.dir?.close();
    }
  }

  /** Give up: the file is removed and nothing is kept. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.release();
    await this.removeFile();
    this.init.store.settled(this, this.init.workKey);
    await this.init.dir?.close();
  }

  /** Destroy if needed and wait until the handle is closed. */
  private async release(): Promise<void> {
    if (!this.destroyed) this.destroy();
    if (!this.closed) await new Promise<void>((resolve) => this.once('close', () => resolve()));
  }

  private async removeFile(): Promise<void> {
    await fs.rm(this.init.work, { force: true }).catch(() => undefined);
  }
}

/**
 * Move `work` to `target`; true when the name is new. link() creates the name only if it is free
 * (so `created` is exact, and no-overwrite is atomic); otherwise rename() replaces atomically.
 */
async function place(work: string, target: string, noOverwrite: boolean): Promise<boolean> {
  try {
    await fs.link(work, target);
  } catch (err) {
    // With no-overwrite the link is the only safe way (as in core Upload): EEXIST is the answer.
    if (noOverwrite) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // EEXIST: a replace. Anything else: no hard links on this file system, so ask (racy, but only
    // the 201/200 distinction depends on it).
    const created = code === 'EEXIST' ? false : !(await exists(target));
    await fs.rename(work, target);
    return created;
  }
  await fs.unlink(work);
  return true;
}

/** The kept-file key of a target: its name hashed, so any name fits in a short hidden file name. */
export function keyOf(target: string): string {
  return createHash('sha256').update(path.basename(target)).digest('hex').slice(0, 32);
}

/** True when `file` exists (following symlinks). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}
