// Resumable uploads: bytes go to a hidden file beside the target; an interrupted one is kept to be continued.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { NetroomError, fromSystemError, isNetroomError } from './errors.js';
import type { Library } from './library.js';

/** Hidden files of resumable uploads start with this; they are never listed or served. */
export const PARTIAL_PREFIX = '.netroom-partial-';

/** How long an interrupted upload is kept after its last byte: 24 hours. */
export const DEFAULT_PARTIAL_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * `.netroom-partial-KEY-TOTAL` is the kept prefix of an interrupted upload, waiting to be continued
 * (KEY: 32 hex digits of the SHA-256 of the target's name, TOTAL: the whole file's size). An upload
 * in progress writes to `.netroom-partial-KEY-TOTAL-RANDOM` (`u` for an unknown total), which never
 * matches, so two uploads of one name never share a file and a reader never sees either.
 */
const KEPT = /^\.netroom-partial-([0-9a-f]{32})-(\d+)$/u;

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
}

/** Options of a PartialStore; every limit has a default. */
export interface PartialStoreOptions {
  /** Keep an interrupted upload this long after its last byte. Default 24 h. */
  ttlMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** The resumable uploads of one library: starts, continues and prunes them. */
export class PartialStore {
  readonly ttlMs: number;
  private readonly now: () => number;
  /** Kept files claimed by a continuation in progress (by their kept path), and its upload. */
  private readonly claimed = new Map<string, PartialUpload>();
  /** Files of uploads in progress: prune() leaves them alone however old. */
  private readonly working = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly library: Library,
    options: PartialStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_PARTIAL_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** What the server has of an interrupted (or running) upload of `input`, or null. */
  async status(input: string): Promise<PartialInfo | null> {
    const { abs, rel } = await this.library.resolve(input);
    if (rel === '') return null;
    const key = keyOf(abs);
    for (const [kept, upload] of this.claimed) {
      if (path.dirname(kept) === path.dirname(abs) && KEPT.exec(path.basename(kept))?.[1] === key) {
        return { path: rel, offset: upload.received, total: upload.total ?? 0 };
      }
    }
    const found = await this.findKept(path.dirname(abs), key);
    const newest = found.sort((a, b) => b.mtime - a.mtime)[0];
    return newest === undefined ? null : { path: rel, offset: newest.size, total: newest.total };
  }

  /**
   * Start an upload (or continue a kept one when `start` > 0). Every check that can refuse it runs
   * here, before any byte is read: path rules, folders, overwrite rules, the size limit, the offset.
   */
  async begin(input: string, options: BeginOptions = {}): Promise<PartialUpload> {
    const { total, noOverwrite = false } = options;
    const start = options.start ?? 0;
    const { abs, rel } = await this.library.prepareUpload(input);
    const rules = this.library.uploadRules;
    if (noOverwrite && (await exists(abs))) throw new NetroomError('ALREADY_EXISTS', `already exists: ${rel}`, { path: rel });
    if (total !== undefined && total > rules.maxUpload) {
      throw new NetroomError('TOO_LARGE', `the upload is larger than the limit of ${rules.maxUpload} bytes`, { max: rules.maxUpload });
    }
    const dir = path.dirname(abs);
    const key = keyOf(abs);
    const kept = total === undefined ? null : path.join(dir, `${PARTIAL_PREFIX}${key}-${total}`);
    const work = path.join(dir, `${PARTIAL_PREFIX}${key}-${total ?? 'u'}-${randomBytes(8).toString('hex')}`);
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
    };
    if (start === 0) {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(work, 'wx', 0o644);
      } catch (err) {
        throw fromSystemError(err, rel);
      }
      this.working.add(work);
      return new PartialUpload({ ...base, handle, start: 0, hash: createHash('sha256') });
    }
    if (kept === null) throw new NetroomError('BAD_REQUEST', 'a continued upload needs its total size');
    if (this.claimed.has(kept)) throw new ResumeConflict(`another upload of ${rel} is being continued`, null);
    // Claimed by renaming, so two continuations (even from two processes) cannot both take it.
    try {
      await fs.rename(kept, work);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ResumeConflict(`nothing kept of ${rel}: start at 0`, 0);
      throw fromSystemError(err, rel);
    }
    this.working.add(work);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(work, 'r+');
      const { size } = await handle.stat();
      if (size !== start) throw new ResumeConflict(`the server has ${size} bytes of ${rel}, not ${start}`, size);
      // The result's SHA-256 covers the whole file: re-read the kept prefix rather than trust a stored digest.
      const hash = await hashPrefix(work, start);
      const upload = new PartialUpload({ ...base, handle, start, hash });
      this.claimed.set(kept, upload);
      return upload;
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await fs.rename(work, kept).catch(() => undefined); // give it back untouched
      this.working.delete(work);
      throw isNetroomError(err) || err instanceof ResumeConflict ? err : fromSystemError(err, rel);
    }
  }

  /** Remove kept uploads whose last byte is older than the TTL (and crash leftovers). Returns how many. */
  async prune(): Promise<number> {
    return this.pruneDir(this.library.root, this.now() - this.ttlMs);
  }

  /** Prune now and then every `intervalMs` (default: an hour, or the TTL if shorter); the timer is unref'd. */
  startPruning(intervalMs = Math.min(this.ttlMs, 60 * 60 * 1000)): void {
    if (this.timer !== null) return;
    const run = (): void => void this.prune().catch(() => undefined);
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    run();
  }

  /** Stop the pruning timer. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Bookkeeping from PartialUpload once it has settled (committed, kept or aborted). */
  settled(upload: PartialUpload, work: string): void {
    this.working.delete(work);
    for (const [kept, claimant] of this.claimed) if (claimant === upload) this.claimed.delete(kept);
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

  private async pruneDir(dir: string, before: number): Promise<number> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return 0;
    }
    let removed = 0;
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) removed += await this.pruneDir(full, before);
      if (!entry.isFile() || !entry.name.startsWith(PARTIAL_PREFIX) || this.working.has(full)) continue;
      const stat = await fs.stat(full).catch(() => null);
      if (stat === null || stat.mtimeMs >= before) continue;
      await fs.rm(full, { force: true });
      removed++;
    }
    return removed;
  }
}

interface PartialInit {
  store: PartialStore;
  handle: fs.FileHandle;
  target: string;
  rel: string;
  work: string;
  kept: string | null;
  total: number | undefined;
  /** Position after which a byte is refused as more than the request announced. */
  limit: number | undefined;
  maxSize: number;
  noOverwrite: boolean;
  start: number;
  hash: Hash;
}

/**
 * One upload in progress: a Writable into its own hidden file, hashing on the way. It ends in exactly
 * one of `commit()` (fsync, rename into place), `keep()` (stay hidden, to be continued) or `abort()`
 * (removed). Unlike core Upload, destroying it keeps the file: the caller decides what happens next.
 */
export class PartialUpload extends Writable {
  readonly path: string;
  private readonly init: PartialInit;
  private position: number;
  /** The write in flight, so destroy waits for it before closing the handle. */
  private inflight: Promise<unknown> = Promise.resolve();
  private flushed = false;
  private settled = false;

  constructor(init: PartialInit) {
    super({ highWaterMark: 1024 * 1024 });
    this.init = init;
    this.path = init.rel;
    this.position = init.start;
  }

  /** Bytes of the file the server has (including a continued upload's kept prefix). */
  get received(): number {
    return this.position;
  }

  /** Where this upload began (the kept prefix it continues), 0 for a fresh one. */
  get startedAt(): number {
    return this.init.start;
  }

  /** The whole file's declared size, if known. */
  get total(): number | undefined {
    return this.init.total;
  }

  /** The position this request should reach: its Content-Range end + 1, or the total. */
  get expected(): number | undefined {
    return this.init.limit;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    const size = buffers.reduce((n, b) => n + b.length, 0);
    const { maxSize, limit, rel, handle } = this.init;
    if (this.position + size > maxSize) {
      callback(new NetroomError('TOO_LARGE', `the upload is larger than the limit of ${maxSize} bytes`, { max: maxSize }));
      return;
    }
    if (limit !== undefined && this.position + size > limit) {
      callback(new NetroomError('BAD_REQUEST', `more bytes than announced for ${rel} (${limit})`, { limit }));
      return;
    }
    for (const b of buffers) this.init.hash.update(b);
    this.inflight = handle.writev(buffers, this.position).then(
      () => {
        this.position += size;
        callback();
      },
      (err: unknown) => callback(fromSystemError(err, rel)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Every byte is written: make the data durable before anyone may rename it.
    const { handle, rel } = this.init;
    handle.sync().then(
      () => {
        this.flushed = true;
        callback();
      },
      (err: unknown) => callback(fromSystemError(err, rel)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The file stays: commit, keep or abort decides. Wait for a write in flight so the handle is
    // closed only after it, and the kept size is what really reached the file.
    this.inflight
      .catch(() => undefined)
      .then(() => this.init.handle.close())
      .then(
        () => callback(error),
        () => callback(error),
      );
  }

  /**
   * The body has ended: write out what is buffered and fsync, so `received` is final. Rejects with
   * the write's error (TOO_LARGE, DISK_FULL...); then `abort()`.
   */
  async finish(): Promise<void> {
    if (this.writableFinished) return;
    if (this.destroyed) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${this.path} was aborted`);
    this.end();
    try {
      await finished(this, { readable: false });
    } catch (err) {
      if (isNetroomError(err)) throw err;
      throw new NetroomError('UPLOAD_ABORTED', `the upload of ${this.path} was aborted`);
    }
  }

  /** All bytes are in: fsync, move into place atomically, report size and SHA-256 of the whole file. */
  async commit(): Promise<PartialResult> {
    const { work, target, rel, total, kept } = this.init;
    if (this.settled) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${rel} has already ended`);
    this.settled = true;
    try {
      await this.finish();
      if (!this.flushed) throw new NetroomError('UPLOAD_ABORTED', `the upload of ${rel} was aborted`);
      if (total !== undefined && this.position !== total) {
        throw new NetroomError('BAD_REQUEST', `${rel}: ${this.position} of ${total} bytes arrived`, { received: this.position, total });
      }
      await this.release();
      const created = await place(work, target, this.init.noOverwrite);
      await syncDir(path.dirname(target));
      // A finished upload supersedes what was kept of an earlier try at the same file.
      if (kept !== null) await fs.rm(kept, { force: true });
      return { path: rel, size: this.position, sha256: this.init.hash.digest('hex'), created };
    } catch (err) {
      await this.removeFile();
      throw isNetroomError(err) ? err : fromSystemError(err, rel);
    } finally {
      this.init.store.settled(this, work);
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
      if (kept === null || total === undefined || this.position === 0) {
        await this.removeFile();
        return null;
      }
      // A failed write may have left bytes past the last completed one: cut back to what is known good.
      const handle = await fs.open(work, 'r+');
      try {
        await handle.truncate(this.position);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(work, kept);
      const dir = path.dirname(target);
      const others = await this.init.store.findKept(dir, keyOf(target), path.basename(kept));
      await Promise.all(others.map((o) => fs.rm(o.file, { force: true })));
      return { path: rel, offset: this.position, total };
    } catch {
      await this.removeFile();
      return null;
    } finally {
      this.init.store.settled(this, work);
    }
  }

  /** Give up: the file is removed and nothing is kept. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.release();
    await this.removeFile();
    this.init.store.settled(this, this.init.work);
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
function keyOf(target: string): string {
  return createHash('sha256').update(path.basename(target)).digest('hex').slice(0, 32);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/** SHA-256 state after the first `length` bytes of `file`. */
async function hashPrefix(file: string, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  const stream = createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash;
}

async function syncDir(dir: string): Promise<void> {
  // Make the rename itself durable; some file systems refuse fsync on a folder, which is harmless.
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
