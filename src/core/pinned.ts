// Checking what was actually opened, not the path before opening: descriptors seen through /proc/self/fd.
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError } from './errors.js';

/**
 * Linux's O_PATH (the same value on every architecture Node runs on there): a descriptor that only
 * names a file. Node does not export it; it is used only where /proc/self/fd works, i.e. on Linux.
 */
const O_PATH = 0o10000000;

/**
 * A folder held open after its real location was checked. `at(name)` names an entry of that very
 * folder: on Linux `/proc/self/fd/N/name`, which the kernel resolves from the open descriptor (like
 * openat), so swapping a path component for a symlink after the check changes nothing. Close it once
 * every operation through it is done.
 */
export interface PinnedDir {
  /** The folder's real path when it was checked. */
  readonly real: string;
  /** A path to `name` inside this very folder ('' for the folder itself). */
  at(name: string): string;
  /** Check again that the folder still lies inside the root, visible (it may have been moved). */
  verify(input: string): Promise<void>;
  close(): Promise<void>;
}

/** Checks real locations against one real root. */
export class RootGuard {
  private constructor(
    readonly realRoot: string,
    /** True when /proc/self/fd shows what a descriptor is (Linux); else checks fall back to realpath(). */
    readonly viaProc: boolean,
  ) {}

  /** A guard for `realRoot`, finding out once whether /proc/self/fd can be used. */
  static async create(realRoot: string): Promise<RootGuard> {
    let viaProc: boolean;
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(realRoot, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      viaProc = (await fs.readlink(`/proc/self/fd/${handle.fd}`)) === realRoot;
    } catch {
      viaProc = false;
    } finally {
      await handle?.close().catch(() => undefined);
    }
    return new RootGuard(realRoot, viaProc);
  }

  /**
   * Throw unless `real` (a real path, no symlinks) is the root or below it with no hidden part:
   * OUTSIDE_ROOT or HIDDEN_PATH, naming the client's `input`.
   */
  check(real: string, input: string): void {
    const rel = path.relative(this.realRoot, real);
    if (rel === '') return;
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new NetroomError('OUTSIDE_ROOT', `the path leads outside the library: ${input}`, { path: input });
    }
    if (rel.split(path.sep).some((part) => part.startsWith('.'))) {
      throw new NetroomError('HIDDEN_PATH', `the path leads to a hidden entry: ${input}`, { path: input });
    }
  }

  /** The real path of what `handle` has open (null when /proc cannot say; then use realpath on a path). */
  async realOf(handle: fs.FileHandle): Promise<string | null> {
    if (!this.viaProc) return null;
    const link = await fs.readlink(`/proc/self/fd/${handle.fd}`);
    // An entry removed after it was opened reads as "PATH (deleted)": it is gone, say NOT_FOUND.
    if (link.endsWith(' (deleted)') && (await handle.stat()).nlink === 0) {
      throw Object.assign(new Error(`removed while opening: ${link}`), { code: 'ENOENT' });
    }
    return link;
  }

  /** Check what `handle` has open (`fallback`: the path it was opened by, for systems without /proc). */
  async checkHandle(handle: fs.FileHandle, fallback: string, input: string): Promise<void> {
    const real = (await this.realOf(handle)) ?? (await fs.realpath(fallback));
    this.check(real, input);
  }

  /**
   * Stat `abs` (symlinks followed) and check where it really is, as one act: on Linux through an
   * O_PATH descriptor (no read permission needed, no side effect of opening a device or a pipe),
   * elsewhere by stat() then realpath() (a symlink swapped between the two could show a size).
   */
  async statChecked(abs: string, input: string): Promise<Stats> {
    if (!this.viaProc || process.platform !== 'linux') {
      const stat = await fs.stat(abs);
      this.check(await fs.realpath(abs), input);
      return stat;
    }
    const handle = await fs.open(abs, O_PATH);
    try {
      const real = await this.realOf(handle);
      if (real !== null) this.check(real, input);
      return await handle.stat();
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Open the folder `dir` (symlinks followed), check where it really is, and hold it open. Without
   * /proc the check is on realpath() and the operations use the real path (a window remains there).
   */
  async pin(dir: string, input: string): Promise<PinnedDir> {
    const handle = await fs.open(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      const real = (await this.realOf(handle)) ?? (await fs.realpath(dir));
      this.check(real, input);
      if (!this.viaProc) await handle.close();
      return this.pinned(handle, real);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  private pinned(handle: fs.FileHandle, real: string): PinnedDir {
    const base = this.viaProc ? `/proc/self/fd/${handle.fd}` : real;
    let closed = false;
    return {
      real,
      at: (name) => (name === '' ? base : path.join(base, name)),
      verify: async (input) => {
        this.check(this.viaProc ? await fs.readlink(base) : await fs.realpath(real), input);
      },
      close: async () => {
        if (closed || !this.viaProc) return;
        closed = true;
        await handle.close().catch(() => undefined);
      },
    };
  }
}
