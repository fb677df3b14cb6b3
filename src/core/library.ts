// The shared file library: paths resolved strictly inside one root, streamed reads, atomic uploads.
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Owner } from './access/permissions.js';
import type { GuestPolicy } from './access/roles.js';
import { Emitter } from './emitter.js';
import { NetroomError, fromSystemError } from './errors.js';
import type { ChangeSource, LibraryChange } from './library-events.js';
import { checkPath, removeLeftovers } from './library-paths.js';
import { realLocation } from './real-location.js';
import { KeptBudget } from './kept-budget.js';
import { RootGuard, type PinnedDir } from './pinned.js';
import { tempName } from './temp-names.js';
import { wholeMs } from './put-change.js';
import type { Entry, LibraryListener, LibraryOptions, OpenFile, OpenHandle, Prepared, Resolved } from './library-types.js';
import { readEntries, readOwners } from './library/listing.js';
import { OwnerBook, type OwnerRecord } from './library/owners.js';
import { FileRights, namedSource } from './library/rights.js';
import { Upload, UPLOAD_PREFIX } from './upload.js';

export type { ChangeSource, LibraryChange } from './library-events.js';
export { checkPath } from './library-paths.js';
export type { PinnedDir } from './pinned.js';

export type { Entry, LibraryListener, LibraryOptions, OpenFile, OpenHandle, Prepared, Resolved } from './library-types.js';

/** The library of files under one root folder. */
export class Library {
  readonly root: string;
  private realRoot = '';
  private guard: RootGuard | undefined;
  private readonly options: { noOverwrite: boolean; maxUpload: number };
  /** The disk budget of kept interrupted uploads, shared by every upload mechanism. */
  readonly keptBudget: KeptBudget;
  private readonly logger: LibraryOptions['log'];
  private readonly changes: Emitter<LibraryChange>;
  private readonly guests: GuestPolicy;
  private fileRights: FileRights | undefined;

  constructor(root: string, options: LibraryOptions = {}) {
    this.root = path.resolve(root);
    this.options = { noOverwrite: options.noOverwrite ?? false, maxUpload: options.maxUpload ?? Infinity };
    this.logger = options.log;
    this.guests = options.guests ?? 'on';
    this.keptBudget = new KeptBudget(() => this.realRootDir, {
      total: options.partialBudget ?? null,
      perAddress: options.partialBudgetPerAddress ?? null,
      ...(options.log ? { log: options.log } : {}),
    });
    this.changes = new Emitter(options.onListenerError ?? ((err) => console.error('netroom: library listener failed:', err)));
  }

  /**
   * Hear every completed change, whichever door made it: uploads renamed into place (`put`, from
   * every upload mechanism of the core), `mkdir`, `remove` (`delete`) and moveEntry (`rename`).
   * A listener's exception is reported, never thrown into the operation. Returns the unsubscribe function.
   */
  subscribe(listener: LibraryListener): () => void {
    return this.changes.subscribe(listener);
  }

  /**
   * Announce a completed change to the subscribers. For the core's own operations (uploads,
   * move.ts); a door never calls it, since every change it can make goes through the core.
   */
  changed(change: LibraryChange): void {
    this.changes.emit(change.by === undefined ? change : { ...change, by: namedSource(change.by) });
  }

  /** Create the root if missing and remove upload leftovers of a previous run. */
  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    this.realRoot = await fs.realpath(this.root);
    this.guard = await RootGuard.create(this.realRoot);
    this.fileRights = new FileRights(await OwnerBook.open(this.realRoot), this.guests);
    const removed = await removeLeftovers(this.realRoot);
    if (removed > 0) this.logger?.({ removed }, 'removed the unfinished uploads of a previous run');
  }

  /** The root's real path, symlinks resolved (after init()). */
  get realRootDir(): string {
    return this.rootGuard.realRoot;
  }

  /**
   * The permission table as this library applies it, with its owner book (after init()). For the
   * core's own upload mechanisms and move.ts; doors ask through the operations.
   */
  get rights(): FileRights {
    if (this.fileRights === undefined) throw new Error('Library.init() must be awaited before the library is used');
    return this.fileRights;
  }

  /** The checks on real locations (after init()). */
  private get rootGuard(): RootGuard {
    if (this.guard === undefined) throw new Error('Library.init() must be awaited before the library is used');
    return this.guard;
  }

  /**
   * Check a client-supplied path and map it into the root. Refuses NUL, backslashes, absolute
   * paths, `..`, hidden parts, and symlinks whose real location is outside the root or hidden,
   * each with a clear error. This is a check of the path as it is now: the operations below check
   * again what they actually opened (a symlink may be swapped in meanwhile).
   */
  async resolve(input: string): Promise<Resolved> {
    // Before init() realRoot is '': paths would resolve against the working directory and every
    // absolute path would pass the containment test. That is a programming error, so say so.
    if (this.realRoot === '') throw new Error('Library.init() must be awaited before the library is used');
    const rel = checkPath(input);
    const abs = rel === '' ? this.realRoot : path.join(this.realRoot, ...rel.split('/'));
    const real = await realLocation(abs);
    if (real === null) throw new NetroomError('OUTSIDE_ROOT', `the path leads outside the library: ${input}`, { path: input });
    this.rootGuard.check(real, input);
    return { rel, abs };
  }

  /**
   * Open the folder that holds `input` and check where it really is (inside the root, nothing hidden
   * on the way), holding it open: operations on `abs` (`/proc/self/fd/N/NAME`) then act in that very
   * folder whatever is swapped in along the path. The caller closes `dir`.
   */
  async openParent(input: string): Promise<Prepared> {
    const { rel } = await this.resolve(input);
    if (rel === '') throw new NetroomError('BAD_PATH', 'a file name is needed');
    const parentRel = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    const name = path.posix.basename(rel);
    let dir: PinnedDir;
    try {
      dir = await this.rootGuard.pin(parentRel === '' ? this.realRoot : path.join(this.realRoot, ...parentRel.split('/')), parentRel || '/');
    } catch (err) {
      throw fromSystemError(err, parentRel || '/');
    }
    return { rel, abs: dir.at(name), dir };
  }

  /** List the visible files and folders of a folder ('' is the root), sorted by name, if `by` may list. */
  async list(input = '', by?: ChangeSource): Promise<Entry[]> {
    await this.rights.check(by, 'list', input);
    const { abs, rel } = await this.resolve(input);
    let dir: PinnedDir;
    try {
      dir = await this.rootGuard.pin(abs, rel || '/');
    } catch (err) {
      throw fromSystemError(err, rel || '/');
    }
    try {
      return await readEntries(dir, this.rootGuard, rel);
    } finally {
      await dir.close();
    }
  }

  /** Open a file for streaming, optionally a byte range [start, end] inclusive. */
  async openRead(input: string, range: { start?: number; end?: number } = {}, by?: ChangeSource): Promise<OpenFile> {
    const start = range.start ?? 0;
    // Checked here so a bad range is the client's BAD_REQUEST, not an IO_ERROR from createReadStream.
    if (!Number.isSafeInteger(start) || start < 0 || (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < start))) {
      throw new NetroomError('BAD_REQUEST', `bad byte range ${start}-${range.end ?? ''}`, { start, end: range.end ?? '' });
    }
    const { handle, size, mtime, rel } = await this.openFile(input, by);
    try {
      const stream = createReadStream('', {
        fd: handle,
        start,
        ...(range.end === undefined ? {} : { end: range.end }),
        highWaterMark: 1024 * 1024,
      });
      return { stream, size, mtime };
    } catch (err) {
      await handle.close();
      throw fromSystemError(err, rel);
    }
  }

  /**
   * Open a regular file and stat it through the same handle, so what a door decides from the size
   * and mtime (ranges, ETag) is about the very bytes it will stream even if the name is replaced
   * meanwhile. The caller owns the handle (a ReadStream given `fd: handle` closes it).
   */
  async openFile(input: string, by?: ChangeSource): Promise<OpenHandle> {
    await this.rights.check(by, 'download', input);
    const { abs, rel } = await this.resolve(input);
    let handle: fs.FileHandle;
    try {
      // O_NONBLOCK: opening a named pipe for reading would otherwise block until a writer appears,
      // tying up a libuv worker thread per request (four in all). It changes nothing for regular
      // files, and anything that is not a regular file is refused just below.
      handle = await fs.open(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (err) {
      throw fromSystemError(err, rel);
    }
    try {
      // What was opened, not the path: a symlink swapped in after resolve() is caught here (issue 10, item 1).
      await this.rootGuard.checkHandle(handle, abs, input);
      const stat = await handle.stat();
      if (!stat.isFile()) throw new NetroomError('NOT_A_FILE', `not a file: ${rel}`, { path: rel });
      return { handle, size: stat.size, mtime: wholeMs(stat.mtimeMs), rel };
    } catch (err) {
      await handle.close();
      throw fromSystemError(err, rel);
    }
  }

  /** Size and kind of an existing path, or NOT_FOUND (`by` must be allowed to list). */
  async stat(input: string, by?: ChangeSource): Promise<Entry> {
    await this.rights.check(by, 'list', input);
    const { abs, rel } = await this.resolve(input);
    try {
      // What was looked at, checked as one act: a link swapped in after resolve() is refused.
      const stat = await this.rootGuard.statChecked(abs, input);
      return { name: path.posix.basename(rel), type: stat.isDirectory() ? 'dir' : 'file', size: stat.size, mtime: wholeMs(stat.mtimeMs) };
    } catch (err) {
      throw fromSystemError(err, rel);
    }
  }

  /**
   * Who made the entry at `input`: null when nobody known (made outside netroom, by the server
   * itself, or before owners were recorded). NOT_FOUND when there is no such entry.
   */
  async ownerOf(input: string, by?: ChangeSource): Promise<Owner | null> {
    await this.rights.check(by, 'list', input);
    if (checkPath(input) === '') return null; // the root: nobody's
    const { rel, abs, dir } = await this.openParent(input);
    try {
      return await this.rights.ownerOfEntry(abs, rel);
    } finally {
      await dir.close();
    }
  }

  /**
   * Who made each of `names` in the folder `input` (a listing's names): one read per name, so a
   * door asks for the entries it shows rather than the library adding it to every listing. Names
   * not there (or not servable) map to null.
   */
  async owners(input: string, names: readonly string[], by?: ChangeSource): Promise<Map<string, Owner | null>> {
    const records = await this.ownerRecords(input, names, by);
    return new Map([...records].map(([name, r]) => [name, r === null ? null : { role: r.role, name: r.name }]));
  }

  /** As {@link owners}, with when each record was written (when the entry was made, as netroom saw it). */
  async ownerRecords(input: string, names: readonly string[], by?: ChangeSource): Promise<Map<string, OwnerRecord | null>> {
    await this.rights.check(by, 'list', input);
    const { abs, rel } = await this.resolve(input);
    const dir = await this.rootGuard.pin(abs, rel || '/').catch((err: unknown) => {
      throw fromSystemError(err, rel || '/');
    });
    try {
      return await readOwners(dir, this.rights.book, names);
    } finally {
      await dir.close();
    }
  }

  /**
   * Start an upload to `input`: bytes go to a hidden temporary file beside the target; `commit()`
   * fsyncs and renames it into place, `abort()` removes it. Readers never see a partial file.
   */
  async beginUpload(input: string, by?: ChangeSource): Promise<Upload> {
    const { abs, rel, dir } = await this.prepareUpload(input, by);
    // Named for this process too: another node sharing the folder can never pick it or clean it up.
    const temp = dir.at(tempName(UPLOAD_PREFIX));
    let handle: fs.FileHandle;
    try {
      // 'wx' (O_CREAT | O_EXCL) never follows a symlink at the name, and the folder is the one checked.
      handle = await fs.open(temp, 'wx', 0o644);
    } catch (err) {
      await dir.close();
      throw fromSystemError(err, rel);
    }
    return new Upload({
      handle,
      temp,
      target: abs,
      rel,
      dir,
      maxSize: this.options.maxUpload,
      noOverwrite: this.options.noOverwrite,
      place: (work) => this.rights.place(work, abs, rel, this.options.noOverwrite, by),
      onPlaced: (change) => this.changed(by === undefined ? change : { ...change, by }),
    });
  }

  /**
   * The checks every upload makes before its first byte: a file name inside the root, an existing
   * parent folder (opened and held: see openParent), no folder of that name, and (with
   * `--no-overwrite` or `options.noOverwrite`) no file of that name, and the permission table: `by` may upload, and overwrite
   * the file there if there is one (checked again at commit: see FileRights.place). Shared by
   * beginUpload and the other upload mechanisms (resumable partial uploads, continuations). The
   * caller closes `dir` once the upload has settled.
   */
  async prepareUpload(input: string, by?: ChangeSource, options: { noOverwrite?: boolean } = {}): Promise<Prepared> {
    await this.rights.check(by, 'upload', input);
    const prepared = await this.openParent(input);
    try {
      await this.refuseExisting(prepared.abs, prepared.rel);
      if ((await this.rights.book.identify(prepared.abs).catch(() => null)) !== null) {
        // A client that asked not to overwrite (If-None-Match: *) hears that the name is taken,
        // not that it may not do what it did not ask for.
        if (options.noOverwrite === true) throw new NetroomError('ALREADY_EXISTS', `already exists: ${prepared.rel}`, { path: prepared.rel });
        await this.rights.check(by, 'overwrite', prepared.rel, prepared.abs);
      }
    } catch (err) {
      await prepared.dir.close();
      throw err;
    }
    return prepared;
  }

  /** The upload rules in force, for upload mechanisms other than beginUpload. */
  get uploadRules(): { readonly noOverwrite: boolean; readonly maxUpload: number } {
    return { noOverwrite: this.options.noOverwrite, maxUpload: this.options.maxUpload };
  }

  /** Create one folder; its parent must exist. ALREADY_EXISTS when the name is taken. */
  async mkdir(input: string, by?: ChangeSource): Promise<Resolved> {
    if (checkPath(input) === '') throw new NetroomError('ALREADY_EXISTS', 'the library root already exists', { path: '' });
    await this.rights.check(by, 'mkdir', input);
    const { abs, rel, dir } = await this.openParent(input);
    let mtime: number;
    try {
      // mkdir() never follows a symlink at the name: EEXIST.
      await fs.mkdir(abs, { mode: 0o755 });
      try {
        await this.rights.record(abs, by);
      } catch (err) {
        await fs.rmdir(abs).catch(() => undefined); // a folder nobody is recorded for would be admin-only: not made
        throw err;
      }
      mtime = wholeMs((await fs.lstat(abs)).mtimeMs);
    } catch (err) {
      throw fromSystemError(err, rel);
    } finally {
      await dir.close();
    }
    this.changed({ kind: 'mkdir', path: rel, mtime, ...(by === undefined ? {} : { by }) });
    return { abs: path.join(dir.real, path.posix.basename(rel)), rel };
  }

  /** Delete a file or an empty folder; NOT_EMPTY for a folder with anything in it. */
  async remove(input: string, by?: ChangeSource): Promise<void> {
    if (checkPath(input) === '') throw new NetroomError('BAD_PATH', 'the library root cannot be removed');
    const { abs, rel, dir } = await this.openParent(input);
    let type: 'file' | 'dir';
    try {
      await this.rights.check(by, 'delete', rel, abs);
      // Its record goes with it (unless another hard link still names the inode).
      const id = await this.rights.book.identify(abs);
      const stat = await fs.lstat(abs);
      if (stat.isDirectory()) {
        type = 'dir';
        await fs.rmdir(abs);
      } else {
        // A symlink to a folder is listed as a folder (list() follows links); say the same here.
        type = stat.isSymbolicLink() && (await fs.stat(abs).catch(() => null))?.isDirectory() === true ? 'dir' : 'file';
        // unlink() removes a symlink itself, never what it points to.
        await fs.unlink(abs);
      }
      if (id !== null && (type === 'dir' || id.links <= 1)) await this.rights.book.drop(id.key);
    } catch (err) {
      // POSIX lets rmdir() answer EEXIST as well as ENOTEMPTY for a folder that is not empty.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new NetroomError('NOT_EMPTY', `folder not empty: ${rel}`, { path: rel });
      throw fromSystemError(err, rel);
    } finally {
      await dir.close();
    }
    this.changed({ kind: 'delete', path: rel, type, ...(by === undefined ? {} : { by }) });
  }

  private async refuseExisting(abs: string, rel: string): Promise<void> {
    try {
      const stat = await fs.stat(abs);
      if (stat.isDirectory()) throw new NetroomError('NOT_A_FILE', `a folder has that name: ${rel}`, { path: rel });
      if (this.options.noOverwrite) throw new NetroomError('ALREADY_EXISTS', `already exists: ${rel}`, { path: rel });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(err, rel);
    }
  }
}
