// The disk kept for interrupted uploads: a budget in total and per client address; the oldest kept go first.
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The most kept partial uploads may take in all, under `auto`: 1 GiB. */
export const DEFAULT_PARTIAL_BUDGET = 1024 ** 3;

/**
 * Under `auto`, kept partials never take more than this share of the space the library can use
 * (free space plus what is kept): a near-full disk keeps its room for whole uploads.
 */
export const AUTO_DISK_SHARE = 0.25;

/** Under `auto`, one client address may hold this share of the total budget. */
export const AUTO_ADDRESS_SHARE = 0.25;

/** Kept files of both upload mechanisms: HTTP `.netroom-partial-KEY-TOTAL`, FTP `.netroom-kept-KEY`. */
const KEPT_FILE = /^\.netroom-(?:partial-[0-9a-f]{32}-\d+|kept-[0-9a-f]{32})$/u;

/** Options of a KeptBudget. */
export interface KeptBudgetOptions {
  /** Bytes all kept partials may take; null (default) is `auto` (see DEFAULT_PARTIAL_BUDGET); 0 keeps nothing. */
  total?: number | null;
  /** Bytes the kept partials of one client address may take; null (default): a quarter of the total. */
  perAddress?: number | null;
  /** Told of every eviction and refusal (the server logs them). */
  log?: (fields: Record<string, unknown>, message: string) => void;
  /** Free bytes on the library's file system; injectable for tests. Default: statfs. */
  freeBytes?: (dir: string) => Promise<number>;
}

/** One kept file found on disk. */
interface KeptFile {
  readonly file: string;
  readonly size: number;
  readonly mtime: number;
  readonly address: string | undefined;
}

/**
 * Decides whether what an interrupted upload sent may be kept, and makes room for it by removing
 * the oldest kept files: first of the same client address (its own cap), then of anyone (the total).
 * The files on disk are the truth (they are scanned each time: keeping is rare); who kept which is
 * remembered in memory, so files kept before a restart count in the total only.
 */
export class KeptBudget {
  private readonly owners = new Map<string, string>();
  private readonly log: NonNullable<KeptBudgetOptions['log']>;
  private readonly freeBytes: (dir: string) => Promise<number>;
  /** One admission or clearing at a time: two at once would count the same free room twice. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly root: () => string,
    private readonly options: KeptBudgetOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.freeBytes = options.freeBytes ?? statfsFree;
  }

  /** False when keeping is off (a budget of 0). */
  get enabled(): boolean {
    return this.options.total !== 0;
  }

  /**
   * May `size` bytes be kept at `file` (a real path) for `address`? Removes the oldest kept files
   * as needed to fit both caps and returns true; false (and nothing removed) when keeping is off
   * or the bytes alone exceed a cap. Call `owned` once the file is in place.
   */
  admit(file: string, size: number, address: string | undefined): Promise<boolean> {
    return this.serial(async () => {
      if (!this.enabled) return false;
      const others = (await this.scan()).filter((k) => k.file !== file);
      const { total, perAddress } = await this.caps(others);
      if (size > perAddress || size > total) {
        this.log({ size, address: address ?? null, total, perAddress }, 'interrupted upload not kept: larger than the partial-upload budget');
        return false;
      }
      const oldestFirst = [...others].sort((a, b) => a.mtime - b.mtime);
      if (address !== undefined) {
        let mine = oldestFirst.filter((k) => k.address === address).reduce((sum, k) => sum + k.size, 0);
        for (const k of oldestFirst.filter((o) => o.address === address)) {
          if (mine + size <= perAddress) break;
          if (await this.evict(k, 'per-address budget')) mine -= k.size;
        }
      }
      let used = (await this.scan()).filter((k) => k.file !== file).reduce((sum, k) => sum + k.size, 0);
      for (const k of oldestFirst) {
        if (used + size <= total) break;
        if (await this.evict(k, 'total budget')) used -= k.size;
      }
      return true;
    });
  }

  /** Remember that `file` (real path) was kept for `address`. */
  owned(file: string, address: string | undefined): void {
    if (address !== undefined) this.owners.set(file, address);
  }

  /**
   * A new upload declared `size` bytes: if the disk has less free space than that, remove the
   * oldest kept files until it would fit (or none are left), so kept partials never make an upload
   * fail for lack of room (issue 10, item 5). `except` (a real path) is never removed: the kept
   * upload this one continues.
   */
  makeRoom(size: number, except?: string): Promise<void> {
    return this.serial(async () => {
      if (size <= 0) return;
      let free = await this.freeBytes(this.root()).catch(() => Infinity);
      if (free >= size) return;
      const kept = (await this.scan()).filter((k) => k.file !== except);
      // Removing them all would not make room: keep them, the upload fails either way.
      if (free + kept.reduce((sum, k) => sum + k.size, 0) < size) return;
      for (const k of kept.sort((a, b) => a.mtime - b.mtime)) {
        if (free >= size) break;
        if (await this.evict(k, `an upload of ${size} bytes needs the room`)) free += k.size;
      }
    });
  }

  /** Bytes kept now, and how many files. */
  async usage(): Promise<{ bytes: number; files: number }> {
    const kept = await this.scan();
    return { bytes: kept.reduce((sum, k) => sum + k.size, 0), files: kept.length };
  }

  /** The caps in force: configured, or under `auto` the smaller of 1 GiB and a quarter of the usable space. */
  private async caps(kept: readonly KeptFile[]): Promise<{ total: number; perAddress: number }> {
    let total = this.options.total ?? null;
    if (total === null) {
      const free = await this.freeBytes(this.root()).catch(() => Infinity);
      const usable = free + kept.reduce((sum, k) => sum + k.size, 0);
      total = Math.min(DEFAULT_PARTIAL_BUDGET, Math.floor(usable * AUTO_DISK_SHARE));
    }
    const perAddress = this.options.perAddress ?? Math.floor(total * AUTO_ADDRESS_SHARE);
    return { total, perAddress };
  }

  private async evict(k: KeptFile, reason: string): Promise<boolean> {
    try {
      await fs.unlink(k.file);
    } catch {
      return false; // claimed by a continuation or removed meanwhile
    }
    this.owners.delete(k.file);
    this.log({ file: path.relative(this.root(), k.file), size: k.size, address: k.address ?? null, reason }, 'kept partial upload evicted');
    return true;
  }

  /** Every kept file under the root (hidden folders skipped, symlinks not followed). */
  private async scan(): Promise<KeptFile[]> {
    const found: KeptFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(full);
        else if (entry.isFile() && KEPT_FILE.test(entry.name)) {
          const stat = await fs.lstat(full).catch(() => null);
          if (stat !== null) found.push({ file: full, size: stat.size, mtime: stat.mtimeMs, address: this.owners.get(full) });
        }
      }
    };
    await walk(this.root());
    for (const file of this.owners.keys()) if (!found.some((k) => k.file === file)) this.owners.delete(file);
    return found;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Free bytes for an unprivileged writer on the file system holding `dir`. */
async function statfsFree(dir: string): Promise<number> {
  const stat = await fs.statfs(dir);
  return stat.bavail * stat.bsize;
}
