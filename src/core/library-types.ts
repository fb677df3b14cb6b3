// The Library's public types: listing entries, checked paths, options and opened files.
import type { ReadStream } from 'node:fs';
import type * as fs from 'node:fs/promises';
import type { GuestPolicy } from './access/roles.js';
import type { LibraryChange } from './library-events.js';
import type { PinnedDir } from './pinned.js';

/** A receiver of every library change (see {@link Library.subscribe}). */
export type LibraryListener = (change: LibraryChange) => void;

/** One visible entry of a folder listing. */
export interface Entry {
  readonly name: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  /** Modification time, whole ms since the epoch. */
  readonly mtime: number;
}

/** A path checked to lie inside the root: `rel` uses `/` and has no empty, `.` or `..` parts. */
export interface Resolved {
  readonly rel: string;
  readonly abs: string;
}

/**
 * A target whose folder was opened and checked (Library.openParent): `abs` names the entry inside
 * that held folder. Close `dir` once done with it.
 */
export interface Prepared extends Resolved {
  readonly dir: PinnedDir;
}

/** Options of a Library; every limit has a default. */
export interface LibraryOptions {
  /** `--guests`: what clients without an account may do (src/core/access/permissions.ts). Default `on`. */
  guests?: GuestPolicy;
  /** Refuse uploads onto an existing name (`--no-overwrite`). Default false: atomic replace. */
  noOverwrite?: boolean;
  /** Largest upload in bytes (`--max-upload`). Default unlimited. */
  maxUpload?: number;
  /** Where a change listener's exception goes (a door bug); default: printed to stderr, the operation goes on. */
  onListenerError?: (err: unknown) => void;
  /** Bytes kept interrupted uploads may take in all (`--partial-budget`); null or absent: auto; 0: keep none. */
  partialBudget?: number | null;
  /** Bytes the kept uploads of one client address may take (`--partial-budget-per-address`); null or absent: a quarter of the total. */
  partialBudgetPerAddress?: number | null;
  /** Where the library says what it decided on its own (kept uploads evicted or not kept). */
  log?: (fields: Record<string, unknown>, message: string) => void;
}

/** An open file ready to stream, with what a door needs for headers and progress. */
export interface OpenFile {
  readonly stream: ReadStream;
  readonly size: number;
  readonly mtime: number;
}

/** A regular file opened for reading, with the stat taken through its own handle. */
export interface OpenHandle {
  readonly handle: fs.FileHandle;
  readonly size: number;
  readonly mtime: number;
  readonly rel: string;
}
