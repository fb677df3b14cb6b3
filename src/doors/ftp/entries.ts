// Folder entries for listings, with the device and inode that make the MLSx `unique` fact.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ChangeSource, Library } from '../../core/library.js';
import type { ListEntry } from './listing.js';

/** The visible entries of a library folder, each with its `unique` identity when it can be read; `by` must be allowed to list. */
export async function folderEntries(library: Library, rel: string, withUnique: boolean, by: ChangeSource): Promise<ListEntry[]> {
  const entries = await library.list(rel, by);
  if (!withUnique) return entries;
  const { abs } = await library.resolve(rel);
  return Promise.all(entries.map(async (e) => ({ ...e, ...(await uniqueOf(path.join(abs, e.name))) })));
}

/** One entry (file or folder) with its `unique` identity; `by` must be allowed to list. */
export async function entryOf(library: Library, rel: string, withUnique: boolean, by: ChangeSource): Promise<ListEntry> {
  const entry = await library.stat(rel, by);
  if (!withUnique) return entry;
  const { abs } = await library.resolve(rel);
  return { ...entry, ...(await uniqueOf(abs)) };
}

async function uniqueOf(abs: string): Promise<{ unique?: string }> {
  try {
    const stat = await fs.stat(abs, { bigint: true });
    return { unique: `${stat.dev.toString(16)}g${stat.ino.toString(16)}` };
  } catch {
    return {};
  }
}
