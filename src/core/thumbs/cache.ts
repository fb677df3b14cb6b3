// Where thumbnails are kept on disk: one folder per library folder (names hashed), so a folder's thumbnails go with it in one move.
import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * The layout's folder under the cache folder. Anything else found there at start (the first
 * layout's `ab/` hash shards, a crashed run's leftovers) is dropped: thumbnails are only a cache.
 */
const LAYOUT = 'v2';
/** Where swept folders wait to be deleted, one entry at a time, away from the layout. */
const TRASH = 'trash';

/**
 * One path segment's name in the cache: a hash (a library name may be 255 bytes long, may end in
 * a space or be `CON` somewhere, and the version suffix must still fit), 80 bits: siblings never
 * meet, and a meeting would also need the same size and mtime to serve the wrong picture.
 */
function segment(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 20);
}

/** A kept thumbnail's place: the folder it is in and the start of every one of its versions' names. */
interface Place {
  readonly folder: string;
  readonly prefix: string;
}

/**
 * The thumbnails kept on disk: `DIR/v2/<h(a)>/<h(b)>/<h(name)>.<version>.webp` for the library
 * path `a/b/name`. A library folder is a cache folder, so a deleted or moved library folder's
 * thumbnails are found by its path and swept together: renamed aside at once (later asks never
 * see them), then deleted one entry at a time in the background, never racing requests for the disk.
 */
export class ThumbCache {
  private readonly layout: string;
  private readonly trash: string;
  /** The background deletions, one after another. */
  private chores: Promise<void> = Promise.resolve();
  /** Sweeps made, numbered, with the library path each covered (the last ones only). */
  private sweeps = 0;
  private readonly recent: { readonly at: number; readonly rel: string }[] = [];

  constructor(dir: string) {
    this.layout = path.join(dir, LAYOUT);
    this.trash = path.join(dir, TRASH);
    // Whatever is not this layout (an older one, a crashed run's trash) goes, in the background.
    void this.chore(async () => {
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const name of names) if (name !== LAYOUT && name !== TRASH) await this.aside(path.join(dir, name));
      await this.drain();
    });
  }

  /** A number to hand to {@link store} later: what was swept in between is not stored again. */
  mark(): number {
    return this.sweeps;
  }

  /** A version's thumbnail, or null when none is kept. */
  async read(rel: string, version: string): Promise<Buffer | null> {
    const where = this.place(rel);
    return fs.readFile(path.join(where.folder, where.prefix + version)).catch(() => null);
  }

  /**
   * Keep a version's thumbnail (written aside, then renamed: a reader never sees half a file) and
   * drop its older versions. Not kept when `rel` or a folder above it was swept since `mark`: the
   * file went while its thumbnail was being made.
   */
  async store(rel: string, version: string, data: Buffer, mark: number): Promise<void> {
    if (this.sweptSince(mark, rel)) return;
    const where = this.place(rel);
    const name = where.prefix + version;
    await fs.mkdir(where.folder, { recursive: true, mode: 0o700 });
    const temp = path.join(where.folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, data, { mode: 0o600 });
      await fs.rename(temp, path.join(where.folder, name));
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    // Swept while it was being written: it goes too.
    if (this.sweptSince(mark, rel)) await fs.rm(path.join(where.folder, name), { force: true });
    else await this.removeVersions(rel, name);
  }

  /** Forget every kept version of the file `rel`. */
  async forgetFile(rel: string): Promise<void> {
    this.note(rel);
    await this.removeVersions(rel, null);
  }

  /**
   * Forget every thumbnail under the folder `rel`: its cache folder is renamed aside at once (one
   * rename, whatever it holds) and deleted in the background; resolves once it is all gone.
   */
  async forgetFolder(rel: string): Promise<void> {
    if (rel === '') return;
    this.note(rel);
    await this.aside(this.folderOf(rel));
    await this.chore(() => this.drain());
  }

  /** Resolves when the background deletions asked for so far are done. */
  idle(): Promise<void> {
    return this.chores;
  }

  /** The cache folder of a library folder. */
  private folderOf(rel: string): string {
    return path.join(this.layout, ...rel.split('/').filter((p) => p !== '').map(segment));
  }

  /** The cache folder of the library folder holding the file `rel`, and the start of `rel`'s version names. */
  private place(rel: string): Place {
    const slash = rel.lastIndexOf('/');
    return { folder: this.folderOf(rel.slice(0, Math.max(0, slash))), prefix: `${segment(rel.slice(slash + 1))}.` };
  }

  private note(rel: string): void {
    this.sweeps += 1;
    this.recent.push({ at: this.sweeps, rel });
    if (this.recent.length > 256) this.recent.shift();
  }

  /** Was `rel`, or a folder above it, forgotten after `mark`? (Past what is remembered: assume so.) */
  private sweptSince(mark: number, rel: string): boolean {
    if (mark === this.sweeps) return false;
    const oldest = this.recent[0];
    if (oldest === undefined || oldest.at > mark + 1) return true;
    return this.recent.some((s) => s.at > mark && (rel === s.rel || rel.startsWith(`${s.rel}/`)));
  }

  private async removeVersions(rel: string, keep: string | null): Promise<void> {
    const where = this.place(rel);
    const names = await fs.readdir(where.folder).catch(() => [] as string[]);
    await Promise.all(
      names.filter((n) => n.startsWith(where.prefix) && n !== keep).map((n) => fs.rm(path.join(where.folder, n), { force: true })),
    );
  }

  /** Move a cache entry into the trash under a fresh name (nothing there: nothing to do). */
  private async aside(from: string): Promise<void> {
    await fs.mkdir(this.trash, { recursive: true, mode: 0o700 });
    await fs.rename(from, path.join(this.trash, randomBytes(8).toString('hex'))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Queue background work after the work already queued; a failure is dropped (it is a cache). */
  private chore(task: () => Promise<void>): Promise<void> {
    this.chores = this.chores.then(task).catch(() => undefined);
    return this.chores;
  }

  /** Empty the trash, one file system call at a time. */
  private async drain(): Promise<void> {
    for (const entry of await readEntries(this.trash)) await removeSlowly(path.join(this.trash, entry.name), entry.isDirectory());
  }
}

async function readEntries(dir: string): Promise<Dirent[]> {
  return fs.readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
}

/** Delete a file or a whole tree depth first, one call at a time (fs.rm's recursion runs them all at once). */
async function removeSlowly(at: string, folder: boolean): Promise<void> {
  if (folder) {
    for (const entry of await readEntries(at)) await removeSlowly(path.join(at, entry.name), entry.isDirectory());
    await fs.rmdir(at).catch(() => undefined);
  } else {
    await fs.rm(at, { force: true });
  }
}
