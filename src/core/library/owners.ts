// The owner book: who made each library entry, one small record per entry under `.netroom/owners/` in the root.
import type { BigIntStats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Owner } from '../access/permissions.js';
import { isRole } from '../access/roles.js';
import { NetroomError } from '../errors.js';
import { tempName, tempOwner } from '../temp-names.js';
import { UPLOAD_PREFIX } from '../upload.js';

/**
 * The library's own metadata folder, inside the root. Its name is hidden, so every door refuses it
 * as a path, listings skip it, and the start-up and TTL walks never enter it.
 */
export const META_DIR = '.netroom';

/** What the book says about one entry (the file on disk also has `at`, when it was recorded). */
export interface OwnerRecord extends Owner {
  /** When the record was written, ms since the epoch. */
  readonly at: number;
}

/** The identity of an entry in the book, and whether other names share its inode (hard links). */
export interface Identity {
  readonly key: string;
  readonly links: number;
}

/**
 * Records keyed by what an entry IS, not by its name: device + inode + birth time. A rename or a
 * move (by netroom or by anyone with a shell) keeps the inode, so the owner follows the entry; an
 * upload that replaces a file brings a new inode, so the uploader owns the result; and an inode the
 * file system hands out again after a delete has a new birth time, so a stale record never transfers.
 * Where birth times are missing (0) or do not survive a rename, device + inode alone are used.
 */
export class OwnerBook {
  private readonly dir: string;
  private ready: Promise<void> | null = null;

  private constructor(
    root: string,
    /** False when birth times are missing or change on rename here: keys are device + inode. */
    private readonly births: boolean,
  ) {
    this.dir = path.join(root, META_DIR, 'owners');
  }

  /**
   * The book of the library whose real root is `root`. Finds out once whether birth times can be
   * trusted (a scratch file in the root, renamed and removed at once), and removes the temp files of
   * record writes a previous run cut short. Creates nothing until the first record is written.
   */
  static async open(root: string): Promise<OwnerBook> {
    const book = new OwnerBook(root, await birthTimesHold(root));
    const names = await fs.readdir(book.dir).catch(() => [] as string[]);
    // Only those of a process that is gone: the book may be shared by several nodes, each writing its own.
    const left = names.filter((n) => n.startsWith(TEMP_PREFIX) && tempOwner(n) === 'dead');
    await Promise.all(left.map((n) => fs.rm(path.join(book.dir, n), { force: true })));
    return book;
  }

  /** The identity of the entry `file` names (not following a symlink: the link is the entry), or null when missing. */
  async identify(file: string): Promise<Identity | null> {
    let stat: BigIntStats;
    try {
      stat = await fs.lstat(file, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return { key: this.keyOf(stat), links: Number(stat.nlink) };
  }

  /** The key of the entry `stat` (an lstat with bigint) describes. */
  keyOf(stat: BigIntStats): string {
    const birth = this.births ? stat.birthtimeNs : 0n;
    return birth === 0n ? `${stat.dev}-${stat.ino}` : `${stat.dev}-${stat.ino}-${birth}`;
  }

  /** Who made the entry with this key: null when nobody known (no record, or one that does not parse). */
  async read(key: string): Promise<OwnerRecord | null> {
    let text: string;
    try {
      text = await fs.readFile(this.fileOf(key), 'utf8');
    } catch {
      return null;
    }
    return parseRecord(text);
  }

  /** Record `owner` for the entry with this key, atomically (a temp file renamed over the record). */
  async write(key: string, owner: Owner, at = Date.now()): Promise<void> {
    try {
      await this.writeIn(key, owner, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // The folder went (someone cleaned the root by hand while the server ran): make it again.
      this.ready = null;
      await this.writeIn(key, owner, at);
    }
  }

  private async writeIn(key: string, owner: Owner, at: number): Promise<void> {
    await this.ensureDir();
    const record: OwnerRecord = { role: owner.role, name: owner.name, at };
    const temp = path.join(this.dir, tempName(TEMP_PREFIX));
    // Not fsynced: a record lost to a power cut leaves the entry's owner unknown, which only
    // administrators may change: the safe side, and no extra fsync on every upload.
    try {
      await fs.writeFile(temp, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      await fs.rename(temp, this.fileOf(key));
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  /** Forget the entry with this key (it was deleted or replaced). Never throws: a stale record matches nothing. */
  async drop(key: string): Promise<void> {
    await fs.rm(this.fileOf(key), { force: true }).catch(() => undefined);
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** Create `.netroom/owners` once, refusing anything but real folders there (a symlink would lead the records elsewhere). */
  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      for (const dir of [path.dirname(this.dir), this.dir]) {
        const stat = await fs.lstat(dir);
        if (!stat.isDirectory()) throw new NetroomError('IO_ERROR', `the library's owner book must be a folder: ${dir}`, { path: dir });
      }
    })().catch((err: unknown) => {
      this.ready = null; // try again next time (the folder may be fixed meanwhile)
      throw err;
    });
    return this.ready;
  }
}

/** Temp files of record writes; removed at the next start if a write was cut short. */
const TEMP_PREFIX = '.tmp-';

/** A record as written by {@link OwnerBook.write}, or null for anything else. */
export function parseRecord(text: string): OwnerRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { role, name, at } = value as Record<string, unknown>;
  if (!isRole(role) || typeof name !== 'string') return null;
  return { role, name, at: typeof at === 'number' && Number.isFinite(at) ? at : 0 };
}

/**
 * True when this file system gives birth times that survive a rename. Some report 0, and libuv
 * without statx() reports the change time there, which a rename moves: keys with it would lose the
 * owner of every renamed entry. The scratch file is an upload temp, so a crash leaves nothing for long.
 */
async function birthTimesHold(root: string): Promise<boolean> {
  const first = path.join(root, tempName(`${UPLOAD_PREFIX}birth-`));
  const second = path.join(root, tempName(`${UPLOAD_PREFIX}birth-moved-`));
  try {
    await fs.writeFile(first, '', { flag: 'wx' });
    const before = await fs.lstat(first, { bigint: true });
    await fs.rename(first, second);
    const after = await fs.lstat(second, { bigint: true });
    return before.birthtimeNs !== 0n && before.birthtimeNs === after.birthtimeNs;
  } catch {
    return false;
  } finally {
    await fs.rm(first, { force: true });
    await fs.rm(second, { force: true });
  }
}
