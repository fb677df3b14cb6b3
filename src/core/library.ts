// The shared file library: paths resolved strictly inside one root, streamed reads, atomic uploads.
import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError, fromSystemError } from './errors.js';
import { Upload, UPLOAD_PREFIX } from './upload.js';

/** One visible entry of a folder listing. */
export interface Entry {
  readonly name: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  /** Modification time, ms since the epoch. */
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
}

/** An open file ready to stream, with what a door needs for headers and progress. */
export interface OpenFile {
  readonly stream: ReadStream;
  readonly size: number;
  readonly mtime: number;
}

/** The library of files under one root folder. */
export class Library {
  readonly root: string;
  private realRoot = '';
  private readonly options: Required<LibraryOptions>;

  constructor(root: string, options: LibraryOptions = {}) {
    this.root = path.resolve(root);
    this.options = { noOverwrite: options.noOverwrite ?? false, maxUpload: options.maxUpload ?? Infinity };
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
      if (name.startsWith('.') || !isValidPart(name)) continue;
      const full = path.join(abs, name);
      try {
        const stat = await fs.stat(full);
        if (!stat.isFile() && !stat.isDirectory()) continue;
        if (!(await this.isInside(full))) continue; // a symlink leading out is not part of the library
        entries.push({ name, type: stat.isFile() ? 'file' : 'dir', size: stat.isFile() ? stat.size : 0, mtime: stat.mtimeMs });
      } catch {
        continue; // vanished or dangling while listing: not there
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Open a file for streaming, optionally a byte range [start, end] inclusive. */
  async openRead(input: string, range: { start?: number; end?: number } = {}): Promise<OpenFile> {
    const { abs, rel } = await this.resolve(input);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(abs, 'r');
    } catch (err) {
      throw fromSystemError(err, rel);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new NetroomError('NOT_A_FILE', `not a file: ${rel}`, { path: rel });
      const stream = createReadStream('', {
        fd: handle,
        start: range.start ?? 0,
        ...(range.end === undefined ? {} : { end: range.end }),
        highWaterMark: 1024 * 1024,
      });
      return { stream, size: stat.size, mtime: stat.mtimeMs };
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
      return { name: path.posix.basename(rel), type: stat.isDirectory() ? 'dir' : 'file', size: stat.size, mtime: stat.mtimeMs };
    } catch (err) {
      throw fromSystemError(err, rel);
    }
  }

  /**
   * Start an upload to `input`: bytes go to a hidden temporary file beside the target; `commit()`
   * fsyncs and renames it into place, `abort()` removes it. Readers never see a partial file.
   */
  async beginUpload(input: string): Promise<Upload> {
    const { abs, rel } = await this.resolve(input);
    if (rel === '') throw new NetroomError('BAD_PATH', 'a file name is needed');
    const dir = path.dirname(abs);
    try {
      const parent = await fs.stat(dir);
      if (!parent.isDirectory()) throw new NetroomError('NOT_A_DIRECTORY', `not a folder: ${path.posix.dirname(rel)}`);
    } catch (err) {
      throw fromSystemError(err, path.posix.dirname(rel));
    }
    await this.refuseExisting(abs, rel);
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
    });
  }

  /** Delete a file (or an empty folder). */
  async remove(input: string): Promise<void> {
    const { abs, rel } = await this.resolve(input);
    if (rel === '') throw new NetroomError('BAD_PATH', 'the library root cannot be removed');
    try {
      const stat = await fs.lstat(abs);
      await (stat.isDirectory() ? fs.rmdir(abs) : fs.unlink(abs));
    } catch (err) {
      throw fromSystemError(err, rel);
    }
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

  private async isInside(abs: string): Promise<boolean> {
    let probe = abs;
    let rest = '';
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        const full = rest ? path.join(real, rest) : real;
        return full === this.realRoot || full.startsWith(this.realRoot + path.sep);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
        const parent = path.dirname(probe);
        if (parent === probe) return false;
        rest = rest ? path.join(path.basename(probe), rest) : path.basename(probe);
        probe = parent;
      }
    }
  }
}

function isValidPart(part: string): boolean {
  return part !== '' && !part.includes('\\') && !part.includes('\0');
}

/** Syntactic path rules: returns the normalised relative path ('' for the root) or throws. */
export function checkPath(input: string): string {
  if (typeof input !== 'string') throw new NetroomError('BAD_PATH', 'a path must be text');
  if (input.includes('\0')) throw new NetroomError('BAD_PATH', 'a path cannot contain NUL');
  if (input.includes('\\')) throw new NetroomError('BAD_PATH', 'a path cannot contain backslashes');
  if (input.startsWith('/')) throw new NetroomError('OUTSIDE_ROOT', `absolute paths are refused: ${input}`, { path: input });
  if (/^[A-Za-z]:/u.test(input)) throw new NetroomError('OUTSIDE_ROOT', `absolute paths are refused: ${input}`, { path: input });
  const parts = input.normalize('NFC').split('/').filter((p) => p !== '' && p !== '.');
  for (const part of parts) {
    if (part === '..') throw new NetroomError('OUTSIDE_ROOT', `".." is refused: ${input}`, { path: input });
    if (part.startsWith('.')) throw new NetroomError('HIDDEN_PATH', `hidden names are refused: ${input}`, { path: input });
    if (/[\u0000-\u001f\u007f]/u.test(part)) throw new NetroomError('BAD_PATH', 'a path cannot contain control characters');
    if (Buffer.byteLength(part) > 255) throw new NetroomError('BAD_PATH', 'a name is at most 255 bytes');
  }
  return parts.join('/');
}

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
