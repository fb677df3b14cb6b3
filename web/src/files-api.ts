// The file browser's server calls beyond api.ts: rename and move (WebDAV MOVE), the zip of a selection, storage figures, who made what.
import { ApiError, createFolder, encodePath, request } from './api.js';
import type { FileEntry } from './protocol.js';

/** Who made an entry and when, as `GET /api/files?owners=1` says (null: not recorded). */
export interface EntryOwner {
  readonly name: string;
  readonly role: 'admin' | 'member' | 'guest';
  readonly at: number;
}

/** Used, free and total bytes (`GET /api/storage`, administrators only). */
export interface StorageFigures {
  readonly used: number;
  readonly free: number;
  readonly total: number;
}

/**
 * Rename or move `from` to `to` (library paths) with WebDAV MOVE; never over an existing name
 * (`Overwrite: F`: the server answers 412 ALREADY_EXISTS instead of replacing it).
 */
export async function moveEntry(from: string, to: string): Promise<void> {
  await request(`files/${encodePath(from)}`, {
    method: 'MOVE',
    // The server's own path of the target: what it reads is always /files/PATH, whatever a proxy puts in front.
    headers: { Destination: `/files/${encodePath(to)}`, Overwrite: 'F' },
  });
}

/** Where the zip of `paths` downloads from (a folder is taken whole). */
export function zipHref(paths: readonly string[]): string {
  return `api/zip?${paths.map((p) => `path=${encodeURIComponent(p)}`).join('&')}`;
}

/** The library's storage figures. */
export async function storageFigures(): Promise<StorageFigures> {
  const res = await request('api/storage', { headers: { Accept: 'application/json' } });
  return (await res.json()) as StorageFigures;
}

/** Who made each entry of `dir`, by name. */
export async function ownersIn(dir: string): Promise<Map<string, EntryOwner | null>> {
  const res = await request(`api/files?path=${encodeURIComponent(dir)}&owners=1`, { headers: { Accept: 'application/json' } });
  const list = (await res.json()) as Array<FileEntry & { owner?: EntryOwner | null }>;
  return new Map(list.map((e) => [e.name, e.owner ?? null]));
}

/** Make the folders of `rel` below `base` (which exists), each once per upload (`known`); one already there is fine. */
export async function ensureFolder(base: string, rel: string, known: Set<string>): Promise<void> {
  let at = base;
  for (const part of rel.split('/').filter((p) => p !== '')) {
    at = at === '' ? part : `${at}/${part}`;
    if (known.has(at)) continue;
    try {
      await createFolder(at);
    } catch (err) {
      // There already: the files go into it (a file of that name makes their uploads fail, each saying so).
      if (!(err instanceof ApiError && err.code === 'ALREADY_EXISTS')) throw err;
    }
    known.add(at);
  }
}
