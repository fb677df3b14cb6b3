// Modes of the data folder and its files (SPEC 4: folder 0700, files 0600), set exactly whatever the umask.
import { chmodSync, closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The data folder when netroom creates it: its user only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Every file netroom keeps in the data folder (history database and its journals, admin token). */
export const PRIVATE_FILE_MODE = 0o600;

/** Group and other permission bits: what "private" removes. */
const SHARED_BITS = 0o077;

/**
 * Create the folder (and missing parents) if it does not exist; the folder created here ends up
 * exactly 0700 (mkdir's mode passes through the umask, so it is set again with chmod). An existing
 * folder is left as it is: the user chose its mode (it may be shared with a backup group on purpose).
 * Returns true when the folder was created.
 */
export function ensurePrivateDirSync(dir: string): boolean {
  // Parents get the usual mode: only the folder itself holds anything private.
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  chmodSync(dir, PRIVATE_DIR_MODE);
  return true;
}

/** {@link ensurePrivateDirSync}, without blocking the event loop. */
export async function ensurePrivateDir(dir: string): Promise<boolean> {
  await mkdir(dirname(dir), { recursive: true });
  try {
    await mkdir(dir, { mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  await chmod(dir, PRIVATE_DIR_MODE);
  return true;
}

/** The mode a file should have: its own bits minus group and other (0644 -> 0600, 0400 stays 0400). */
function narrowed(mode: number): number {
  return mode & 0o777 & ~SHARED_BITS;
}

/**
 * Make an existing file private: clear its group and other bits if it has any. Does nothing for a
 * path that does not exist or is not a regular file. Returns the old mode when it changed it.
 */
export function tightenFileSync(path: string): number | null {
  let mode: number;
  try {
    const found = statSync(path);
    if (!found.isFile()) return null;
    mode = found.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((mode & SHARED_BITS) === 0) return null;
  chmodSync(path, narrowed(mode));
  return mode;
}

/** {@link tightenFileSync}, without blocking the event loop. */
export async function tightenFile(path: string): Promise<number | null> {
  let mode: number;
  try {
    const found = await stat(path);
    if (!found.isFile()) return null;
    mode = found.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((mode & SHARED_BITS) === 0) return null;
  await chmod(path, narrowed(mode));
  return mode;
}

/**
 * Create an empty file 0600 if it does not exist (exclusive create, so an existing file is never
 * truncated), else make the existing one private. SQLite then gives its -wal, -shm and -journal
 * files the database file's mode, so they are private from their first byte.
 */
export function ensurePrivateFileSync(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    tightenFileSync(path);
    return;
  }
  closeSync(fd);
  chmodSync(path, PRIVATE_FILE_MODE);
}
