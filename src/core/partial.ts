// Resumable uploads: bytes go to a hidden file beside the target; an interrupted one is kept to be continued.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError, fromSystemError, isNetroomError } from './errors.js';
import type { ChangeSource, Library, LibraryChange, Prepared } from './library.js';
import { checkPath, isInFlightName } from './library-paths.js';
import { PruneTimer, removeFilesUnder } from './prune.js';
import { FOREIGN_STALE_MS, tempName, tempOwner } from './temp-names.js';
import { Sha256Pool } from './sink/sha256-pool.js';
import { KEPT, PARTIAL_PREFIX, PartialUpload, exists, keyOf, type PartialInfo } from './partial-upload.js';

export { PARTIAL_PREFIX, PartialUpload, type PartialInfo, type PartialResult } from './partial-upload.js';

/** How long an interrupted upload is kept after its last byte: 24 hours. */
export const DEFAULT_PARTIAL_TTL_MS = 24 * 60 * 60 * 1000;

/** A continuation that does not fit what the server has (wrong offset, or one already running). */
export class ResumeConflict extends Error {
  constructor(
    message: string,
    /** The server's offset for this upload; null while another continuation is running. */
    readonly offset: number | null,
  ) {
    super(message);
    this.name = 'ResumeConflict';
  }
}

/** How an upload starts. */
export interface BeginOptions {
  /** The whole file's size when known (Content-Length, or Content-Range TOTAL); needed to resume. */
  total?: number;
  /** Continue a kept upload at this offset (it must equal the server's); 0 or absent starts afresh. */
  start?: number;
  /** Last byte (inclusive) this request carries; absent: through the end. */
  end?: number;
  /** Refuse to replace an existing file (If-None-Match: *), on top of the library's own rule. */
  noOverwrite?: boolean;
  /** Who uploads, from where: told to the library's subscribers, and the owner of what is kept. */
  by?: ChangeSource;
}

/** Options of a PartialStore; every limit has a default. */
export interface PartialStoreOptions {
  /** Keep an interrupted upload this long after its last byte. Default 24 h. */
  ttlMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Where uploads are hashed; default the process-wide pool. */
  hashPool?: Sha256Pool;
}

/** The resumable uploads of one library: starts, continues and prunes them. */
export class PartialStore {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly hashPool: Sha256Pool;
  /**
   * Kept files claimed by a continuation (by their kept path): its upload once started, null while
   * it is being claimed (renamed, re-hashed), with where it started.
   */
  private readonly claimed = new Map<string, { upload: PartialUpload | null; start: number; total: number }>();
  /** Files of uploads in progress: prune() leaves them alone however old. */
  private readonly working = new Set<string>();
  private readonly pruner = new PruneTimer(() => this.prune());

  constructor(
    private readonly library: Library,
    options: PartialStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_PARTIAL_TTL_MS;
    this.now = options.now ?? Date.now;
    this.hashPool = options.hashPool ?? Sha256Pool.shared();
  }

  /** What the server has of an interrupted (or running) upload of `input`, or null (`by` must be allowed to list). */
  async status(input: string, by?: ChangeSource): Promise<PartialInfo | null> {
    await this.library.rights.check(by, 'list', input);
    if (checkPath(input) === '') return null;
    const { abs, rel, dir } = await this.library.openParent(input);
    try {
      const key = keyOf(abs);
      // Claims are keyed by real paths: `abs` names the file through the held folder.
      for (const [kept, claim] of this.claimed) {
        if (path.dirname(kept) === dir.real && KEPT.exec(path.basename(kept))?.[1] === key) {
          return { path: rel, offset: claim.upload?.received ?? claim.start, total: claim.total };
        }
      }
      const found = await this.findKept(dir.at(''), key);
      const newest = found.sort((a, b) => b.mtime - a.mtime)[0];
      return newest === undefined ? null : { path: rel, offset: newest.size, total: newest.total };
    } finally {
      await dir.close();
    }
  }

  /**
   * Start an upload (or continue a kept one when `start` > 0). Every check that can refuse it runs
   * here, before any byte is read: path rules, folders, overwrite rules, the size limit, the offset.
   */
  async begin(input: string, options: BeginOptions = {}): Promise<PartialUpload> {
    const prepared = await this.library.prepareUpload(input, options.by, { noOverwrite: options.noOverwrite === true });
    try {
      return await this.beginIn(prepared, options);
    } catch (err) {
      await prepared.dir.close();
      throw err;
    }
  }

  private async beginIn(prepared: Prepared, options: BeginOptions): Promise<PartialUpload> {
    const { total, noOverwrite = false, by } = options;
    const start = options.start ?? 0;
    const { abs, rel, dir } = prepared;
    const rules = this.library.uploadRules;
    if (noOverwrite && (await exists(abs))) throw new NetroomError('ALREADY_EXISTS', `already exists: ${rel}`, { path: rel });
    if (total !== undefined && total > rules.maxUpload) {
      throw new NetroomError('TOO_LARGE', `the upload is larger than the limit of ${rules.maxUpload} bytes`, { max: rules.maxUpload });
    }
    const key = keyOf(abs);
    const keptName = `${PARTIAL_PREFIX}${key}-${total}`;
    // In flight: named for this process too, so no other node sharing the folder picks or prunes it.
    const workName = tempName(`${PARTIAL_PREFIX}${key}-${total ?? 'u'}-`);
    // Operations go through the held folder; bookkeeping (claims, files in use) is by real path.
    const kept = total === undefined ? null : dir.at(keptName);
    const keptKey = path.join(dir.real, keptName);
    const work = dir.at(workName);
    const workKey = path.join(dir.real, workName);
    // A declared size the disk has no room for: other kept partials give way first.
    if (total !== undefined) await this.library.keptBudget.makeRoom(total - start, keptKey);
    const base = {
      store: this,
      target: abs,
      rel,
      work,
      kept,
      total,
      limit: options.end === undefined ? total : options.end + 1,
      maxSize: rules.maxUpload,
      noOverwrite: noOverwrite || rules.noOverwrite,
      place: (file: string) => this.library.rights.place(file, abs, rel, noOverwrite || rules.noOverwrite, by),
      dir,
      workKey,
      keptKey,
      budget: this.library.keptBudget,
      ...(by?.address === undefined ? {} : { address: by.address }),
      onPlaced: (change: LibraryChange) => this.library.changed(by === undefined ? change : { ...change, by }),
    };
    if (start === 0) {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(work, 'wx', 0o644);
      } catch (err) {
        throw fromSystemError(err, rel);
      }
      this.working.add(workKey);
      return new PartialUpload({ ...base, handle, start: 0, hash: this.hashPool.open() });
    }
    if (kept === null || total === undefined) throw new NetroomError('BAD_REQUEST', 'a continued upload needs its total size');
    if (this.claimed.has(keptKey)) throw new ResumeConflict(`another upload of ${rel} is being continued`, null);
    // Marked at once (no await before it), and claimed on disk by renaming, so two continuations
    // (even from two processes) cannot both take it.
    const claim: { upload: PartialUpload | null; start: number; total: number } = { upload: null, start, total };
    this.claimed.set(keptKey, claim);
    try {
      await fs.rename(kept, work);
    } catch (err) {
      this.claimed.delete(keptKey);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ResumeConflict(`nothing kept of ${rel}: start at 0`, 0);
      throw fromSystemError(err, rel);
    }
    this.working.add(workKey);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(work, 'r+');
      const { size } = await handle.stat();
      if (size !== start) throw new ResumeConflict(`the server has ${size} bytes of ${rel}, not ${start}`, size);
      // The result's SHA-256 covers the whole file: re-read the kept prefix (on the hashing thread)
      // rather than trust a stored digest.
      const hash = this.hashPool.open({ file: work, length: start });
      try {
        await hash.ready;
      } catch (err) {
        hash.drop();
        throw err;
      }
      claim.upload = new PartialUpload({ ...base, handle, start, hash });
      return claim.upload;
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await fs.rename(work, kept).catch(() => undefined); // give it back untouched
      this.working.delete(workKey);
      this.claimed.delete(keptKey);
      throw isNetroomError(err) || err instanceof ResumeConflict ? err : fromSystemError(err, rel);
    }
  }

  /**
   * Remove kept uploads whose last byte is older than the TTL, and the files of uploads in flight
   * that no process will finish: this one's or a gone process's past the TTL. Another live node's
   * (the folder may be shared) are its own: a running upload writes at least every idle timeout, so
   * only one silent for FOREIGN_STALE_MS (and the TTL) is taken for dead. Returns how many.
   */
  async prune(): Promise<number> {
    const now = this.now();
    return removeFilesUnder(this.library.realRootDir, async (full, name) => {
      if (!name.startsWith(PARTIAL_PREFIX) || this.working.has(full)) return false;
      const foreign = isInFlightName(name) && tempOwner(name) === 'live';
      const before = now - (foreign ? Math.max(this.ttlMs, FOREIGN_STALE_MS) : this.ttlMs);
      const stat = await fs.stat(full).catch(() => null);
      return stat !== null && stat.mtimeMs < before;
    });
  }

  /** Prune now and then every `intervalMs` (default: an hour, or the TTL if shorter); the timer is unref'd. */
  startPruning(intervalMs = Math.min(this.ttlMs, 60 * 60 * 1000)): void {
    this.pruner.start(intervalMs);
  }

  /** Stop the pruning timer. */
  stop(): void {
    this.pruner.stop();
  }

  /** Bookkeeping from PartialUpload once it has settled (committed, kept or aborted); `work` by real path. */
  settled(upload: PartialUpload, work: string): void {
    this.working.delete(work);
    for (const [kept, claim] of this.claimed) if (claim.upload === upload) this.claimed.delete(kept);
  }

  /** Kept files of `key` in `dir`, other than `except`. */
  async findKept(dir: string, key: string, except?: string): Promise<Array<{ file: string; size: number; total: number; mtime: number }>> {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return [];
    }
    const found = [];
    for (const name of names) {
      const match = KEPT.exec(name);
      if (match?.[1] !== key || name === except) continue;
      const file = path.join(dir, name);
      try {
        const stat = await fs.stat(file);
        found.push({ file, size: stat.size, total: Number(match[2]), mtime: stat.mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    return found;
  }

}
