// The folder shown, kept current: sorting, and applying a library change (from any door) to it.
import { dirOf } from './api.js';
import type { FileEntry, LibraryChange } from './protocol.js';

/** Folders first, then files, each by name. */
export function sortEntries(list: readonly FileEntry[]): FileEntry[] {
  return [...list].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
}

/**
 * What a change means for the folder `dir` showing `entries`:
 * - `entries`: the new listing (the same array when the change is elsewhere);
 * - `moved`: the folder shown (or one above it) was renamed; `dir` is where it is now;
 * - `gone`: the folder shown (or one above it) was deleted.
 * Applying a change twice gives the same listing, so a change that a fresh listing already
 * includes can be applied again safely.
 */
export type Applied =
  | { readonly kind: 'entries'; readonly entries: readonly FileEntry[] }
  | { readonly kind: 'moved'; readonly dir: string }
  | { readonly kind: 'gone' };

export function applyChange(dir: string, entries: readonly FileEntry[], change: LibraryChange): Applied {
  switch (change.kind) {
    case 'put':
      return upsert(dir, entries, change.path, { type: 'file', size: change.size, mtime: change.mtime });
    case 'mkdir':
      return upsert(dir, entries, change.path, { type: 'dir', size: 0, mtime: change.mtime });
    case 'delete':
      if (change.type === 'dir' && within(dir, change.path)) return { kind: 'gone' };
      return { kind: 'entries', entries: without(dir, entries, change.path) };
    case 'rename': {
      if (change.type === 'dir' && within(dir, change.from)) return { kind: 'moved', dir: change.to + dir.slice(change.from.length) };
      const old = dirOf(change.from) === dir ? entries.find((e) => e.name === nameOf(change.from)) : undefined;
      const rest = without(dir, entries, change.from);
      if (dirOf(change.to) !== dir) return { kind: 'entries', entries: rest };
      // A rename keeps size and time; an entry we did not have shows what the change says (a refresh fills it in).
      return upsert(dir, rest, change.to, { type: change.type, size: old?.size ?? 0, mtime: old?.mtime ?? Date.now() });
    }
  }
}

/** Whether `dir` is `path` or lies inside it. */
function within(dir: string, path: string): boolean {
  return dir === path || dir.startsWith(`${path}/`);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function upsert(dir: string, entries: readonly FileEntry[], path: string, fields: Omit<FileEntry, 'name'>): Applied {
  if (dirOf(path) !== dir) return { kind: 'entries', entries };
  const name = nameOf(path);
  return { kind: 'entries', entries: sortEntries([...entries.filter((e) => e.name !== name), { name, ...fields }]) };
}

function without(dir: string, entries: readonly FileEntry[], path: string): readonly FileEntry[] {
  if (dirOf(path) !== dir) return entries;
  const name = nameOf(path);
  return entries.some((e) => e.name === name) ? entries.filter((e) => e.name !== name) : entries;
}
