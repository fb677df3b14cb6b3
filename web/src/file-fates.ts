// What became of the files that chat notices link to: deleted, or moved elsewhere (from library changes).
import { dirOf, listFolder } from './api.js';
import type { LibraryChange } from './protocol.js';

/** A shared file that is no longer where its notice says: gone, or now at `to`. */
export type FileFate = { readonly kind: 'deleted' } | { readonly kind: 'moved'; readonly to: string };

/** Fates by the path a notice names; a notice whose path is not here links to a file still there. */
export type FileFates = ReadonlyMap<string, FileFate>;

/** Where the file a notice names is now (undefined once deleted). */
export function whereNow(fates: FileFates, path: string): string | undefined {
  const fate = fates.get(path);
  return fate === undefined ? path : fate.kind === 'moved' ? fate.to : undefined;
}

/** Apply one library change to the fates of the notices naming `paths`. */
export function applyToFates(fates: FileFates, paths: Iterable<string>, change: LibraryChange): FileFates {
  let next: Map<string, FileFate> | null = null;
  const set = (path: string, fate: FileFate | null): void => {
    next ??= new Map(fates);
    if (fate === null) next.delete(path);
    else next.set(path, fate);
  };
  for (const path of new Set(paths)) {
    const fate = fates.get(path);
    const now = whereNow(fates, path);
    switch (change.kind) {
      case 'put':
        // Something is at that name again: the link works (it downloads what is there now).
        if (fate?.kind === 'deleted' && change.path === path) set(path, null);
        break;
      case 'delete':
        if (now === change.path) set(path, { kind: 'deleted' });
        break;
      case 'rename':
        if (now === undefined) break;
        if (now === change.from) set(path, change.to === path ? null : { kind: 'moved', to: change.to });
        else if (change.type === 'dir' && now.startsWith(`${change.from}/`)) set(path, { kind: 'moved', to: change.to + now.slice(change.from.length) });
        break;
      case 'mkdir':
        break;
    }
  }
  return next ?? fates;
}

/**
 * Which of `paths` are not in the library now (for notices replayed from history, whose deletion
 * happened before this page was open): one listing per folder, not one request per file.
 */
export async function missingFiles(paths: Iterable<string>): Promise<string[]> {
  const byDir = new Map<string, string[]>();
  for (const path of new Set(paths)) byDir.set(dirOf(path), [...(byDir.get(dirOf(path)) ?? []), path]);
  const missing: string[] = [];
  await Promise.all(
    [...byDir].map(async ([dir, files]) => {
      let names: Set<string>;
      try {
        names = new Set((await listFolder(dir)).filter((e) => e.type === 'file').map((e) => e.name));
      } catch (err) {
        // A folder that is gone takes its files with it; any other failure proves nothing.
        if ((err as { code?: string }).code !== 'NOT_FOUND') return;
        names = new Set();
      }
      for (const file of files) if (!names.has(file.slice(dir === '' ? 0 : dir.length + 1))) missing.push(file);
    }),
  );
  return missing;
}
