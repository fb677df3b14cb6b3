// One upload in progress: a Writable into a hidden temp file that hashes and counts on the way.
import { unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError, fromSystemError } from './errors.js';
import type { LibraryChange } from './library-events.js';
import type { PinnedDir } from './pinned.js';
import { putChangeOf } from './put-change.js';
import { HashedFileWriter } from './sink/hashed-writer.js';
import { Sha256Pool } from './sink/sha256-pool.js';
import { syncDir } from './sync-dir.js';

/** Hidden temporary files of uploads in progress start with this; they are never listed or served. */
export const UPLOAD_PREFIX = '.netroom-upload-';

/** What a finished upload reports: where it went, its size and SHA-256 (hex). */
export interface UploadResult {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

interface UploadInit {
  handle: FileHandle;
  temp: string;
  target: string;
  rel: string;
  /** The checked folder `temp` and `target` are in (closed once the upload has settled). */
  dir?: PinnedDir;
  maxSize: number;
  noOverwrite: boolean;
  /** Where the hash runs; default the process-wide pool. */
  hashPool?: Sha256Pool;
  /**
   * Puts the finished temp file at the target under the permission table and records its owner
   * (Library: FileRights.place). Absent: a plain rename, or link() with `noOverwrite`.
   */
  place?: (temp: string) => Promise<boolean>;
  /** Told once the file is in place (the Library announces it to its subscribers). */
  onPlaced?: (change: LibraryChange) => void;
}

/**
 * Bytes written here land in a hidden temp file. `commit()` ends the stream, fsyncs, and renames
 * the file into place atomically; `abort()` (or any error) deletes it. Use with stream.pipeline.
 *
 * Every Upload must end in `commit()` or `abort()`. To give up, call `abort()`, not `destroy()`:
 * once the last byte is flushed the stream is auto-destroyed, so a plain destroy() after that
 * point cannot be told apart from it and keeps the temp for a commit that never comes (it is only
 * removed by the next `Library.init()`). After a failed pipeline the temp is already gone, and
 * `await abort()` is still the way to be sure.
 */
export class Upload extends HashedFileWriter {
  readonly path: string;
  private readonly init: UploadInit;
  private removed = false;
  private committed = false;
  /** Set when commit() is first called, so a second call cannot race the first to the rename. */
  private commitStarted = false;

  constructor(init: UploadInit) {
    super({ handle: init.handle, start: 0, hash: (init.hashPool ?? Sha256Pool.shared()).open(), rel: init.rel, maxSize: init.maxSize });
    this.init = init;
    this.path = init.rel;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.accepted;
  }

  protected override onDestroy(error: Error | null): void {
    // A failure or a premature end removes the temp file; a clean finish leaves it for commit().
    if (!this.flushed || error !== null) this.removeTemp();
  }

  /** Finish: flush and fsync, then rename into place (or refuse if the name exists and overwrite is off). */
  async commit(): Promise<UploadResult> {
    // Checked and set before any await: two overlapping calls would otherwise both pass the check,
    // both rename, and the second would fail with a confusing NOT_FOUND (its temp already moved).
    if (this.commitStarted) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${this.path} was already committed`);
    this.commitStarted = true;
    await this.endAndWait();
    if (this.removed || !this.flushed) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${this.path} was aborted`);
    this.committed = true;
    const { temp, target, rel } = this.init;
    let change: LibraryChange;
    try {
      // The folder may have been moved while the bytes came: it must still be inside the root.
      await this.init.dir?.verify(rel);
      change = await putChangeOf(rel, temp);
      if (this.init.place !== undefined) {
        await this.init.place(temp);
      } else if (this.init.noOverwrite) {
        // link() refuses an existing name atomically, where rename() would replace it.
        await fs.link(temp, target);
        await fs.unlink(temp);
      } else {
        await fs.rename(temp, target);
      }
      await syncDir(path.dirname(target));
    } catch (err) {
      await this.cleanup();
      throw fromSystemError(err, rel);
    } finally {
      await this.init.dir?.close();
    }
    this.init.onPlaced?.(change);
    return { path: rel, size: this.accepted, sha256: this.digest ?? '' };
  }

  /** Give up: the temp file is removed and nothing becomes visible. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.committed) return;
    if (!this.destroyed) {
      this.destroy();
    }
    if (!this.closed) await new Promise<void>((resolve) => this.once('close', () => resolve()));
    await this.cleanup();
  }

  private async cleanup(): Promise<void> {
    this.removeTemp();
    if (!this.destroyed) this.destroy();
    if (!this.closed) await new Promise<void>((resolve) => this.once('close', () => resolve()));
  }

  private removeTemp(): void {
    if (this.removed) return;
    this.removed = true;
    // The temp is unlinked synchronously, at once, not after the handle is closed: stream.pipeline
    // rejects as soon as the source fails, without waiting for this stream's _destroy to finish, so
    // an async removal left the temp on disk for a moment after the caller was told the upload
    // failed (and for good if the process exited then). Unlinking a file that is still open is fine
    // on POSIX (and on Windows, where Node opens files with FILE_SHARE_DELETE); it is one syscall.
    try {
      unlinkSync(this.init.temp);
    } catch {
      // already gone (or never renamed back): nothing to remove
    }
    // The upload is over: its folder's handle goes too. Not awaited (close() never rejects), so a
    // caller awaiting abort() does not wait on I/O it does not care about.
    void this.init.dir?.close();
  }
}
