// What changed in the library: one typed change per completed operation, from whichever door made it.
import type { Actor } from './access/roles.js';

/**
 * A change to the library, with paths relative to its root (`/`-separated, no leading `/`, as
 * `Resolved.rel`). Emitted once an operation is complete and visible to readers:
 * - `put`: a file was created or replaced by an upload (any door);
 * - `mkdir`: a folder was created;
 * - `delete`: a file or an empty folder was removed;
 * - `rename`: a file or folder moved from `from` to `to` (FTP RNFR/RNTO).
 */
export type LibraryChange = (
  | { readonly kind: 'put'; readonly path: string; readonly size: number; readonly mtime: number }
  | { readonly kind: 'mkdir'; readonly path: string; readonly mtime: number }
  | { readonly kind: 'delete'; readonly path: string; readonly type: 'file' | 'dir' }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly type: 'file' | 'dir' }
) & {
  /** Who made the change and through which door, when the door said (the server logs it). */
  readonly by?: ChangeSource;
  /**
   * Set when the change was made by another node sharing the library folder and heard over the bus
   * (src/engine/cluster/library-link.ts): the files are already there, and it is not sent on again.
   */
  readonly remote?: { readonly node: string };
};

/** The change without its source, for clients: who did what from which address (or node) is for the log only. */
export function withoutSource(change: LibraryChange): LibraryChange {
  if (change.by === undefined && change.remote === undefined) return change;
  const copy: { by?: ChangeSource; remote?: { node: string } } & LibraryChange = { ...change };
  delete copy.by;
  delete copy.remote;
  return copy;
}

/** Who asked for a library change, and from where: passed by the doors to every Library operation. */
export interface ChangeSource {
  /** The door: `http`, `ftp`, `seed-files`... */
  readonly door: string;
  /** The client's address (IP), when the door has one. */
  readonly address?: string;
  /** The member or account name, when known; absent means anonymous. */
  readonly name?: string;
  /**
   * Who asks, for the permission table (src/core/access/permissions.ts). Absent: the server itself
   * (tests, internal jobs) with every right; doors always pass one (a guest by default).
   */
  readonly actor?: Actor;
}

