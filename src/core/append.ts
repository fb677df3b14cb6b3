// Uploads that continue what the server has (FTP REST+STOR, APPE) and keep what a dropped upload sent, hidden.
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError, fromSystemError } from './errors.js';
import type { ChangeSource, Library, LibraryChange, Prepared } from './library.js';
import { checkPath } from './library-paths.js';
import type { KeptBudget } from './kept-budget.js';
import type { PinnedDir } from './pinned.js';
import { putChangeOf } from './put-change.js';
import { HashedFileWriter } from './sink/hashed-writer.js';
import { Sha256Pool, type Sha256Job } from './sink/sha256-pool.js';
import { UPLOAD_PREFIX, type UploadResult } from './upload.js';
import { PruneTimer, pruneOld } from './prune.js';
import { syncDir } from './sync-dir.js';
import { tempName } from './temp-names.js';

/**
 * `.netroom-kept-KEY` (KEY: 32 hex digits of the SHA-256 of the file's name) beside the target is
 * what a dropped upload of that file sent. It is hidden like every dot name: never listed, never
 * served, and refused as a path. Unlike upload temps it survives a restart, until its TTL.
 */
export const KEPT_PREFIX = '.netroom-kept-';

/** How long a dropped upload is kept after its last byte: 24 hours. */
export const DEFAULT_KEPT_TTL_MS = 24 * 60 * 60 * 1000;

/** What a continued upload starts from: the visible file, a dropped upload's kept bytes, or nothing. */
export interface Base {
  readonly source: 'file' | 'kept' | 'none';
  readonly size: number;
}

/** Where an upload starts: a byte offset into the base (`REST n` + STOR; 0 is a fresh upload) or its end (APPE). */
export type StartAt = number | 'end';

/** Options of the continuation store; every limit has a default. */
export interface ContinuationOptions {
  /** Keep a dropped upload this long after its last byte. Default 24 h. */
  ttlMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Where uploads are hashed; default the process-wide pool. */
  hashPool?: Sha256Pool;
}

/**
 * Uploads that may start part-way. The base of a file is the visible file if there is one, else
 * what a dropped upload of it kept, else nothing; `begin(path, n)` writes a new hidden file holding
 * the first n bytes of the base and then the client's bytes, and `commit()` renames it into place:
 * what was there is never truncated or zeroed, and a reader never sees a partial file.
 */
export class Continuations {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly hashPool: Sha256Pool;
  private readonly pruner = new PruneTimer(() => this.prune());

  constructor(
    private readonly library: Library,
    options: ContinuationOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_KEPT_TTL_MS;
    this.now = options.now ?? Date.now;
    this.hashPool = options.hashPool ?? Sha256Pool.shared();
  }

  /** What an upload of `input` would continue from (SIZE for a file that is only a dropped upload); `by` must be allowed to list. */
  async base(input: string, by?: ChangeSource): Promise<Base> {
    await this.library.rights.check(by, 'list', input);
    const { abs, rel, dir } = await this.library.openParent(input);
    try {
      return await baseOf(abs, rel, dir);
    } finally {
      await dir.close();
    }
  }

  /**
   * Start an upload of `input` at `start`. Every check that can refuse it runs first (path rules,
   * parent folder, a folder of that name, `--no-overwrite`); a `start` beyond the base's end is
   * BAD_REQUEST with param `restart`.
   */
  async begin(input: string, start: StartAt, by?: ChangeSource): Promise<ContinuedUpload> {
    const prepared = await this.library.prepareUpload(input, by);
    let upload: ContinuedUpload | undefined;
    try {
      upload = await this.beginIn(prepared, start, by);
      return upload;
    } finally {
      if (upload === undefined) await prepared.dir.close();
    }
  }

  private async beginIn(prepared: Prepared, start: StartAt, by: ChangeSource | undefined): Promise<ContinuedUpload> {
    const { abs, rel, dir } = prepared;
    const rules = this.library.uploadRules;
    const base = await baseOf(abs, rel, dir);
    const offset = start === 'end' ? base.size : start;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > base.size) {
      throw new NetroomError('BAD_REQUEST', `cannot restart at ${String(offset)}: the server has ${base.size} bytes of ${rel}`, {
        restart: String(offset),
        size: base.size,
      });
    }
    if (offset > rules.maxUpload) {
      throw new NetroomError('TOO_LARGE', `the upload is larger than the limit of ${rules.maxUpload} bytes`, { max: rules.maxUpload });
    }
    // Every path goes through the held, checked folder (see Library.openParent).
    const kept = dir.at(keptName(abs));
    const work = dir.at(tempName(UPLOAD_PREFIX));
    try {
      if (offset === 0) await (await fs.open(work, 'wx', 0o644)).close();
      // Taken by renaming, so two continuations of one dropped upload cannot both have it.
      else if (base.source === 'kept') await fs.rename(kept, work);
      // A copy, not the file itself: the visible file stays whole until the new one replaces it.
      else await fs.copyFile(abs, work, fsConstants.COPYFILE_EXCL | fsConstants.COPYFILE_FICLONE);
    } catch (err) {
      await fs.rm(work, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && base.source !== 'none') {
        throw new NetroomError('UPLOAD_ABORTED', `${rel} changed while the upload started: try again`, { path: rel });
      }
      throw fromSystemError(err, rel);
    }
    let handle: fs.FileHandle | undefined;
    let hash: Sha256Job | undefined;
    try {
      handle = await fs.open(work, 'r+');
      // The base may have shrunk since it was measured: truncate() would then pad it with zeros.
      if ((await handle.stat()).size < offset) {
        throw new NetroomError('UPLOAD_ABORTED', `${rel} changed while the upload started: try again`, { path: rel });
      }
      await handle.truncate(offset);
      // The digest covers the whole file: the hashing thread reads the continued prefix itself.
      hash = this.hashPool.open(offset === 0 ? undefined : { file: work, length: offset });
      await hash.ready;
      return new ContinuedUpload({
        handle,
        work,
        kept,
        target: abs,
        rel,
        dir,
        keptKey: path.join(dir.real, keptName(abs)),
        budget: this.library.keptBudget,
        address: by?.address,
        offset,
        hash,
        maxSize: rules.maxUpload,
        place: (file) => this.library.rights.place(file, abs, rel, rules.noOverwrite, by),
        onPlaced: (change) => this.library.changed(by === undefined ? change : { ...change, by }),
      });
    } catch (err) {
      hash?.drop();
      await handle?.close().catch(() => undefined);
      await fs.rm(work, { force: true });
      throw fromSystemError(err, rel);
    }
  }

  /** Drop what a dropped upload of `input` kept (the file was deleted: nothing is left to continue). */
  async forget(input: string): Promise<void> {
    if (checkPath(input) === '') return;
    const { abs, dir } = await this.library.openParent(input);
    try {
      await fs.rm(dir.at(keptName(abs)), { force: true });
    } finally {
      await dir.close();
    }
  }

  /** Remove kept uploads whose last byte is older than the TTL. Returns how many. */
  async prune(): Promise<number> {
    return pruneOld(this.library.realRootDir, KEPT_PREFIX, this.now() - this.ttlMs);
  }

  /** Prune now and then every hour (or the TTL if shorter); the timer is unref'd. */
  startPruning(intervalMs = Math.min(this.ttlMs, 60 * 60 * 1000)): void {
    this.pruner.start(intervalMs);
  }

  /** Stop the pruning timer. */
  stop(): void {
    this.pruner.stop();
  }
}

interface ContinuedInit {
  handle: fs.FileHandle;
  work: string;
  kept: string;
  target: string;
  rel: string;
  /** The checked folder every path here is in (closed once the upload has settled). */
  dir: PinnedDir;
  /** `kept` by its real path, the budget it must fit, and whose address keeps it. */
  keptKey: string;
  budget: KeptBudget;
  address: string | undefined;
  offset: number;
  hash: Sha256Job;
  maxSize: number;
  /** Puts the finished file at the target under the permission table, recording its owner (Library: FileRights.place). */
  place: (work: string) => Promise<boolean>;
  /** Told once the file is in place (the Library announces it to its subscribers). */
  onPlaced?: (change: LibraryChange) => void;
}

/**
 * One upload in progress into its own hidden file, hashing on the way. It ends in exactly one of
 * `commit()` (fsync, rename into place), `keep()` (stay hidden as the file's kept upload, to be
 * continued) or `abort()` (removed). Destroying it alone decides nothing: the caller chooses.
 */
export class ContinuedUpload extends HashedFileWriter {
  readonly path: string;
  private readonly init: ContinuedInit;
  private settled = false;

  constructor(init: ContinuedInit) {
    super({ handle: init.handle, start: init.offset, hash: init.hash, rel: init.rel, maxSize: init.maxSize });
    this.init = init;
    this.path = init.rel;
  }

  /** Bytes of the file so far, the continued prefix included. */
  get size(): number {
    return this.accepted;
  }

  /** Where the client's bytes started. */
  get offset(): number {
    return this.init.offset;
  }

  /** End the stream and make every byte durable, without placing the file yet. */
  async flush(): Promise<void> {
    if (this.flushed) return;
    if (this.destroyed || this.settled) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${this.path} was aborted`);
    await this.endAndWait();
    if (!this.flushed) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${this.path} was aborted`);
  }

  /** Flush, move into place atomically (replacing, or refusing with `--no-overwrite`), drop any kept bytes. */
  async commit(): Promise<UploadResult> {
    const { work, target, rel, kept } = this.init;
    if (this.settled) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${rel} has already ended`);
    try {
      await this.flush();
      this.settled = true;
      await this.whenClosed();
      // The folder may have been moved while the bytes came: it must still be inside the root.
      await this.init.dir.verify(rel);
      const change = await putChangeOf(rel, work);
      await this.init.place(work);
      await syncDir(path.dirname(target));
      await fs.rm(kept, { force: true }); // a finished upload supersedes what a dropped one kept
      this.init.onPlaced?.(change);
      return { path: rel, size: this.written, sha256: this.digest ?? '' };
    } catch (err) {
      this.settled = true;
      await this.whenClosed();
      await fs.rm(work, { force: true });
      throw fromSystemError(err, rel);
    } finally {
      if (this.settled) await this.init.dir.close();
    }
  }

  /**
   * Keep what arrived, hidden, as this file's dropped upload (replacing an earlier one) so a later
   * REST+STOR or APPE continues it. Nothing received: nothing kept. Returns the kept size or null.
   */
  async keep(): Promise<number | null> {
    const { work, kept } = this.init;
    if (this.settled) return null;
    this.settled = true;
    await this.whenClosed();
    try {
      // A failed write may have left bytes past the last one known good: cut back to those.
      const good = this.written;
      if (good === 0) throw new Error('nothing to keep');
      // Within the budget (issue 10, item 5): the oldest kept files make room, or nothing is kept.
      const { budget, keptKey, address } = this.init;
      if (!(await budget.admit(keptKey, good, address))) throw new Error('over the budget');
      await fs.truncate(work, good);
      await fs.rename(work, kept);
      budget.owned(keptKey, address);
      return good;
    } catch {
      await fs.rm(work, { force: true });
      return null;
    } finally {
      await this.init.dir.close();
    }
  }

  /** Give up: the file is removed, nothing is kept. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.whenClosed();
    await fs.rm(this.init.work, { force: true });
    await this.init.dir.close();
  }

  private async whenClosed(): Promise<void> {
    if (!this.destroyed) this.destroy();
    if (!this.closed) await new Promise<void>((resolve) => this.once('close', () => resolve()));
  }
}

/** The hidden name under which a dropped upload of `target` is kept. */
export function keptName(target: string): string {
  return `${KEPT_PREFIX}${createHash('sha256').update(path.basename(target)).digest('hex').slice(0, 32)}`;
}

async function baseOf(abs: string, rel: string, dir: PinnedDir): Promise<Base> {
  try {
    const stat = await fs.stat(abs);
    if (stat.isDirectory()) throw new NetroomError('NOT_A_FILE', `a folder has that name: ${rel}`, { path: rel });
    return { source: 'file', size: stat.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(err, rel);
  }
  try {
    const stat = await fs.stat(dir.at(keptName(abs)));
    return { source: 'kept', size: stat.size };
  } catch {
    return { source: 'none', size: 0 };
  }
}
