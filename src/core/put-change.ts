// Whole-millisecond times and the `put` change of an upload about to be renamed into place.
import * as fs from 'node:fs/promises';
import type { LibraryChange } from './library-events.js';

/**
 * A file time in whole milliseconds since the epoch. `stat.mtimeMs` has a fraction (nanosecond
 * clocks), which clients showed as `1796535393733.5483`; truncated, as `Date` does with `stat.mtime`.
 */
export function wholeMs(ms: number): number {
  return Math.trunc(ms);
}

/**
 * The `put` change an upload will announce once `file` (its own hidden file, every byte written)
 * is renamed to `rel`. Taken from the hidden file before the rename: same inode, so the same size
 * and mtime, and no other upload can have replaced it meanwhile, as it could the visible name.
 */
export async function putChangeOf(rel: string, file: string): Promise<Extract<LibraryChange, { kind: 'put' }>> {
  const stat = await fs.stat(file);
  return { kind: 'put', path: rel, size: stat.size, mtime: wholeMs(stat.mtimeMs) };
}
