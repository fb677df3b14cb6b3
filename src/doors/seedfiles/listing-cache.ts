// The seed `L` answer (the root's file names), shared by every connection and kept while the root folder is unchanged.
import { stat } from 'node:fs/promises';

/**
 * Filesystems stamp a folder's mtime in ticks (ext4: the kernel's clock tick, a few ms), so a
 * listing read in the same tick as a change may miss it while the mtime already shows it. As in
 * git's "racy" index rule, a listing is only kept once the folder has been quiet for this long.
 */
const QUIET_MS = 2000;

/**
 * Names of the library root's listable files for `L`. Adding, removing or renaming an entry
 * changes the root's mtime, so a listing is reused while the mtime is the one it was read under:
 * one `stat` instead of one `lstat` per file for every `L` (a fuzz run of 32 connections listing
 * a 4,479-file root took over 5 s per `L`). Concurrent misses share one read. What the mtime
 * cannot see (a link's target turning hidden) only affects the list: `G` checks each name anew.
 */
export class RootListingCache {
  private kept: { readonly mtimeNs: bigint; readonly names: readonly string[] } | null = null;
  private reading: { readonly mtimeNs: bigint; readonly names: Promise<readonly string[]> } | null = null;

  constructor(
    private readonly root: string,
    private readonly read: () => Promise<readonly string[]>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current names (read anew when the root changed since the kept listing). */
  async names(): Promise<readonly string[]> {
    const before = await stat(this.root, { bigint: true });
    const mtimeNs = before.mtimeNs;
    if (this.kept?.mtimeNs === mtimeNs) return this.kept.names;
    if (this.reading?.mtimeNs === mtimeNs) return this.reading.names;
    const names = this.read();
    const reading = { mtimeNs, names };
    this.reading = reading;
    try {
      const result = await names;
      const quiet = this.now() - Number(mtimeNs / 1_000_000n) > QUIET_MS;
      this.kept = quiet ? { mtimeNs, names: result } : null;
      return result;
    } finally {
      if (this.reading === reading) this.reading = null;
    }
  }
}
