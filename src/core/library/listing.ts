// Reading one checked folder of the library into listing entries (visible, servable names only), and who made them.
import * as fs from 'node:fs/promises';
import { fromSystemError } from '../errors.js';
import { isServableName } from '../library-paths.js';
import type { Entry } from '../library-types.js';
import type { PinnedDir, RootGuard } from '../pinned.js';
import { wholeMs } from '../put-change.js';
import type { OwnerBook, OwnerRecord } from './owners.js';

/**
 * The entries of the held folder `dir` (`rel` names it in errors), sorted by name. Hidden names
 * (uploads in progress, the owner book `.netroom`) and names a client could not send back are left out.
 */
export async function readEntries(dir: PinnedDir, guard: RootGuard, rel: string): Promise<Entry[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir.at(''));
  } catch (err) {
    throw fromSystemError(err, rel || '/');
  }
  const entries: Entry[] = [];
  for (const name of names) {
    // Only names a client can send back: a listed file that resolve() refuses (control characters
    // in its name, say) would be a link that always fails.
    if (!isServableName(name)) continue;
    const entry = await entryOf(dir, guard, name);
    if (entry !== null) entries.push(entry);
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One entry of a checked folder, or null when it is not part of the library (a link out or to a hidden entry). */
async function entryOf(dir: PinnedDir, guard: RootGuard, name: string): Promise<Entry | null> {
  const full = dir.at(name);
  try {
    const link = await fs.lstat(full);
    // A link is followed and its real location checked as one act (see RootGuard.statChecked).
    const stat = link.isSymbolicLink() ? await guard.statChecked(full, name) : link;
    if (!stat.isFile() && !stat.isDirectory()) return null;
    return { name, type: stat.isFile() ? 'file' : 'dir', size: stat.isFile() ? stat.size : 0, mtime: wholeMs(stat.mtimeMs) };
  } catch {
    return null; // vanished, dangling, or leading out or to a hidden entry: not there
  }
}

/**
 * What the owner book says about each of `names` in the held folder `dir`: who made it and when,
 * null when nobody is recorded or the name is not a servable entry there.
 */
export async function readOwners(dir: PinnedDir, book: OwnerBook, names: readonly string[]): Promise<Map<string, OwnerRecord | null>> {
  const found = new Map<string, OwnerRecord | null>();
  for (const name of names) {
    let record: OwnerRecord | null = null;
    if (isServableName(name)) {
      const id = await book.identify(dir.at(name)).catch(() => null);
      if (id !== null) record = await book.read(id.key);
    }
    found.set(name, record);
  }
  return found;
}
