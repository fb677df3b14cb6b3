// The shared file library: paths resolved strictly inside one root, streamed reads, atomic uploads.
import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Emitter } from './emitter.js';
import { NetroomError, fromSystemError } from './errors.js';
import type { LibraryChange } from './library-events.js';
import { wholeMs } from './put-change.js';
import { Upload, UPLOAD_PREFIX } from './upload.js';

export type { LibraryChange } from './library-events.js';

/** A receiver of every library change (see {@link Library.subscribe}). */
export type LibraryListener = (change: LibraryChange) => void;

/** One visible entry of a folder listing. */
export interface Entry {
  readonly name: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  /** Modification time, whole ms since the epoch. */
  readonly mtime: number;
}

/** A path checked to lie inside the root: `rel` uses `/` and has no empty, `.` or `..` parts. */
export interface Resolved {
  readonly rel: string;
  readonly abs: string;
}

/** Options of a Library; every limit has a default. */
export interface LibraryOptions {
  /** Refuse uploads onto an existing name (`--no-overwrite`). Default false: atomic replace. */
  noOverwrite?: boolean;
  /** Largest upload in bytes (`--max-upload`). Default unlimited. */
  maxUpload?: number;
  /** Where a change listener's exception goes (a door bug); default: printed to stderr, the operation goes on. */
  onListenerError?: (err: unknown) => void;
}

/** An open file ready to stream, with what a door needs for headers and progress. */
export interface OpenFile {
  readonly stream: ReadStream;
  readonly size: number;
  readonly mtime: number;
}

/** A regular file opened for reading, with the stat taken through its own handle. */
export interface OpenHandle {
  readonly handle: fs.FileHandle;
  readonly size: number;
  readonly mtime: number;
  readonly rel: string;
}

/** The library of files under one root folder. */
export class Library {
  readonly root: string;
  private realRoot = '';
  private readonly options: Required<Omit<LibraryOptions, 'onListenerError'>>;
  private readonly changes: Emitter<LibraryChange>;

  constructor(root: string, options: LibraryOptions = {}) {
    this.root = path.resolve(root);
    this.options = { noOverwrite: options.noOverwrite ?? false, maxUpload: options.maxUpload ?? Infinity };
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
    this.changes.emit(change);
  }

  /** Create the root if missing and remove upload leftovers of a previous run. */
  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    this.realRoot = await fs.realpath(this.root);
    await removeLeftovers(this.realRoot);
  }

  /**
   * Check a client-supplied path and map it into the root. Refuses NUL, backslashes, absolute
   * paths, `..`, hidden parts and symlinks that lead out, each with a clear error.
   */
  async resolve(input: string): Promise<Resolved> {
    // Before init() realRoot is '': paths would resolve against the working directory and every
    // absolute path would pass the containment test. That is a programming error, so say so.
    if (this.realRoot === '') throw new Error('Library.init() must be awaited before the library is used');
    const rel = checkPath(input);
    const abs = rel === '' ? this.realRoot : path.join(this.realRoot, ...rel.split('/'));
    await this.assertInside(abs, input);
    return { rel, abs };
  }

  /** List the visible files and folders of a folder ('' is the root), sorted by name. */
  async list(dir = ''): Promise<Entry[]> {
    const { abs, rel } = await this.resolve(dir);
    let names: string[];
    try {
      names = await fs.readdir(abs);
    } catch (err) {
      throw fromSystemError(err, rel || '/');
    }
    const entries: Entry[] = [];
    for (const name of names) {
      // Only names a client can send back: a listed file that resolve() refuses (control characters
      // in its name, say) would be a link that always fails.
      if (!isServableName(name)) continue;
      const full = path.join(abs, name);
      try {
        const stat = await fs.stat(full);
        if (!stat.isFile() && !stat.isDirectory()) continue;
        if (!(await this.isInside(full))) continue; // a symlink leading out is not part of the library
        entries.push({ name, type: stat.isFile() ? 'file' : 'dir', size: stat.isFile() ? stat.size : 0, mtime: wholeMs(stat.mtimeMs) });
      } catch {
        continue; // vanished or dangling while listing: not there
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Open a file for streaming, optionally a byte range [start, end] inclusive. */
  async openRead(input: string, range: { start?: number; end?: number } = {}): Promise<OpenFile> {
    const start = range.start ?? 0;
    // Checked here so a bad range is the client's BAD_REQUEST, not an IO_ERROR from createReadStream.
    if (!Number.isSafeInteger(start) || start < 0 || (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < start))) {
      throw new NetroomError('BAD_REQUEST', `bad byte range ${start}-${range.end ?? ''}`, { start, end: range.end ?? '' });
    }
    const { handle, size, mtime, rel } = await this.openFile(input);
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
  async openFile(input: string): Promise<OpenHandle> {
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
      const stat = await handle.stat();
      if (!stat.isFile()) throw new NetroomError('NOT_A_FILE', `not a file: ${rel}`, { path: rel });
      return { handle, size: stat.size, mtime: wholeMs(stat.mtimeMs), rel };
    } catch (err) {
      await handle.close();
      throw fromSystemError(err, rel);
    }
  }

  /** Size and kind of an existing path, or NOT_FOUND. */
  async stat(input: string): Promise<Entry> {
    const { abs, rel } = await this.resolve(input);
    try {
      const stat = await fs.stat(abs);
      return { name: path.posix.basename(rel), type: stat.isDirectory() ? 'dir' : 'file', size: stat.size, mtime: wholeMs(stat.mtimeMs) };
    } catch (err) {
      throw fromSystemError(err, rel);
    }
  }

  /**
   * Start an upload to `input`: bytes go to a hidden temporary file beside the target; `commit()`
   * fsyncs and renames it into place, `abort()` removes it. Readers never see a partial file.
   */
  async beginUpload(input: string): Promise<Upload> {
    const { abs, rel } = await this.prepareUpload(input);
    const dir = path.dirname(abs);
    const temp = path.join(dir, `${UPLOAD_PREFIX}${randomBytes(8).toString('hex')}`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(temp, 'wx', 0o644);
    } catch (err) {
      throw fromSystemError(err, rel);
    }
    return new Upload({
      handle,
      temp,
      target: abs,
      rel,
      maxSize: this.options.maxUpload,
      noOverwrite: this.options.noOverwrite,
      onPlaced: (change) => this.changed(change),
    });
  }

  /**
   * The checks every upload makes before its first byte: a file name inside the root, an existing
   * parent folder, no folder of that name, and (with `--no-overwrite`) no file of that name.
   * Shared by beginUpload and other upload mechanisms (resumable partial uploads).
   */
  async prepareUpload(input: string): Promise<Resolved> {
    const { abs, rel } = await this.resolve(input);
    if (rel === '') throw new NetroomError('BAD_PATH', 'a file name is needed');
    try {
      const parent = await fs.stat(path.dirname(abs));
      if (!parent.isDirectory()) throw new NetroomError('NOT_A_DIRECTORY', `not a folder: ${path.posix.dirname(rel)}`);
    } catch (err) {
      throw fromSystemError(err, path.posix.dirname(rel));
    }
    await this.refuseExisting(abs, rel);
    return { abs, rel };
  }

  /** The upload rules in force, for upload mechanisms other than beginUpload. */
  get uploadRules(): { readonly noOverwrite: boolean; readonly maxUpload: number } {
    return { noOverwrite: this.options.noOverwrite, maxUpload: this.options.maxUpload };
  }

  /** Create one folder; its parent must exist. ALREADY_EXISTS when the name is taken. */
  async mkdir(input: string): Promise<Resolved> {
    const { abs, rel } = await this.resolve(input);
    if (rel === '') throw new NetroomError('ALREADY_EXISTS', 'the library root already exists', { path: '' });
    let mtime: number;
    try {
      await fs.mkdir(abs, { mode: 0o755 });
      mtime = wholeMs((await fs.stat(abs)).mtimeMs);
    } catch (err) {
      throw fromSystemError(err, rel);
    }
    this.changed({ kind: 'mkdir', path: rel, mtime });
    return { abs, rel };
  }

  /** Delete a file or an empty folder; NOT_EMPTY for a folder with anything in it. */
  async remove(input: string): Promise<void> {
    const { abs, rel } = await this.resolve(input);
    if (rel === '') throw new NetroomError('BAD_PATH', 'the library root cannot be removed');
    let type: 'file' | 'dir';
    try {
      const stat = await fs.lstat(abs);
      if (stat.isDirectory()) {
        type = 'dir';
        await fs.rmdir(abs);
      } else {
        // A symlink to a folder is listed as a folder (list() follows links); say the same here.
        type = stat.isSymbolicLink() && (await fs.stat(abs).catch(() => null))?.isDirectory() === true ? 'dir' : 'file';
        await fs.unlink(abs);
      }
    } catch (err) {
      // POSIX lets rmdir() answer EEXIST as well as ENOTEMPTY for a folder that is not empty.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new NetroomError('NOT_EMPTY', `folder not empty: ${rel}`, { path: rel });
      throw fromSystemError(err, rel);
    }
    this.changed({ kind: 'delete', path: rel, type });
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

  /** Follow symlinks of the deepest existing ancestor and require the result inside the root. */
  private async assertInside(abs: string, input: string): Promise<void> {
    if (!(await this.isInside(abs))) {
      throw new NetroomError('OUTSIDE_ROOT', `the path leads outside the library: ${input}`, { path: input });
    }
  }

  /**
   * True when `abs`, with every symlink followed, lies inside the root. Missing trailing parts are
   * allowed (an upload target need not exist yet), but a missing part that is itself a dangling
   * symlink is followed by hand: realpath() reports it as ENOENT, and walking up past it would take
   * a link to a not-yet-existing place outside the root for an ordinary new name inside.
   */
  private async isInside(abs: string, depth = 0): Promise<boolean> {
    let probe = abs;
    const rest: string[] = [];
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        return isWithin(this.realRoot, path.join(real, ...rest));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // ENOTDIR (a file used as a folder, `a.txt/b`) is a missing path, not an escape: the
        // caller's own open/stat then reports NOT_A_DIRECTORY. Anything else (ELOOP, EACCES) is refused.
        if (code !== 'ENOENT' && code !== 'ENOTDIR') return false;
        const link = code === 'ENOENT' ? await readLink(probe) : null;
        if (link !== null) {
          if (depth >= MAX_LINK_DEPTH) return false;
          // The link exists, so its folder does: resolve the target against that folder's real path.
          const dir = await fs.realpath(path.dirname(probe)).catch(() => null);
          if (dir === null) return false; // removed meanwhile: refuse rather than guess
          const target = path.resolve(dir, link);
          return this.isInside(path.join(target, ...rest), depth + 1);
        }
        const parent = path.dirname(probe);
        if (parent === probe) return false;
        rest.unshift(path.basename(probe));
        probe = parent;
      }
    }
  }
}

/** How many dangling symlinks in a row isInside follows by hand (the kernel's own limit is 40). */
const MAX_LINK_DEPTH = 40;

/** The target of `p` if it is a symlink, else null. */
async function readLink(p: string): Promise<string | null> {
  try {
    return await fs.readlink(p);
  } catch {
    return null;
  }
}

/**
 * True when `full` is `root` or below it. path.relative rather than a prefix test, which needs care
 * with the separator (`/srv/root-evil` starts with `/srv/root`) and breaks for the root `/`.
 */
function isWithin(root: string, full: string): boolean {
  const rel = path.relative(root, full);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** True when `name` (one folder entry) passes checkPath unchanged: visible, and addressable as is. */
function isServableName(name: string): boolean {
  try {
    return checkPath(name) === name;
  } catch {
    return false;
  }
}

/** Syntactic path rules: returns the normalised relative path ('' for the root) or throws. */
export function checkPath(input: string): string {
  if (typeof input !== 'string') throw new NetroomError('BAD_PATH', 'a path must be text');
  if (input.includes('\0')) throw new NetroomError('BAD_PATH', 'a path cannot contain NUL');
  if (input.includes('\\')) throw new NetroomError('BAD_PATH', 'a path cannot contain backslashes');
  if (input.startsWith('/')) throw new NetroomError('OUTSIDE_ROOT', `absolute paths are refused: ${input}`, { path: input });
  if (/^[A-Za-z]:/u.test(input)) throw new NetroomError('OUTSIDE_ROOT', `absolute paths are refused: ${input}`, { path: input });
  // No Unicode normalisation: the path must name the entry exactly as the file system has it, or a
  // file stored decomposed (as macOS clients write `é`) would be listed but never found again.
  const parts = input.split('/').filter((p) => p !== '' && p !== '.');
  for (const part of parts) {
    if (part === '..') throw new NetroomError('OUTSIDE_ROOT', `".." is refused: ${input}`, { path: input });
    if (part.startsWith('.')) throw new NetroomError('HIDDEN_PATH', `hidden names are refused: ${input}`, { path: input });
    // eslint-disable-next-line no-control-regex -- matching control characters is the point here
    if (/[\u0000-\u001f\u007f]/u.test(part)) throw new NetroomError('BAD_PATH', 'a path cannot contain control characters');
    if (Buffer.byteLength(part) > 255) throw new NetroomError('BAD_PATH', 'a name is at most 255 bytes');
  }
  return parts.join('/');
}

/**
 * Remove the temp files of uploads cut short by a previous run (`.netroom-upload-*`). Kept resumable
 * uploads (`.netroom-partial-*`, see partial.ts) are not leftovers: they wait to be continued and
 * their store prunes them once older than its TTL.
 */
async function removeLeftovers(dir: string): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name.startsWith(UPLOAD_PREFIX)) await fs.rm(full, { force: true });
    else if (entry.isDirectory() && !entry.name.startsWith('.')) await removeLeftovers(full);
  }
}
