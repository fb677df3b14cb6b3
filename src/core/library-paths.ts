// Syntactic path rules of the library, and the removal of upload leftovers at start.
import * as path from 'node:path';
import { NetroomError } from './errors.js';
import { KEPT, PARTIAL_PREFIX } from './partial-upload.js';
import { removeFilesUnder } from './prune.js';
import { tempOwner } from './temp-names.js';
import { UPLOAD_PREFIX } from './upload.js';

/** Syntactic path rules: returns the normalised relative path ('' for the root) or throws. */
export function checkPath(input: string): string {
  if (typeof input !== 'string') throw new NetroomError('BAD_PATH', 'a path must be text');
  if (input.includes('\0')) throw new NetroomError('BAD_PATH', 'a path cannot contain NUL');
  if (input.includes('\\')) throw new NetroomError('BAD_PATH', 'a path cannot contain backslashes');
  if (input.startsWith('/')) throw new NetroomError('OUTSIDE_ROOT', `absolute paths are refused: ${input}`, { path: input });
  // No Unicode normalisation: the path must name the entry exactly as the file system has it, or a
  // file stored decomposed (as macOS clients write `é`) would be listed but never found again.
  const parts = input.split('/').filter((p) => p !== '' && p !== '.');
  // A drive letter (`C:`) on the first part that remains: `./C:/x` is as absolute as `C:/x`.
  if (/^[A-Za-z]:/u.test(parts[0] ?? '')) throw new NetroomError('OUTSIDE_ROOT', `absolute paths are refused: ${input}`, { path: input });
  for (const part of parts) {
    if (part === '..') throw new NetroomError('OUTSIDE_ROOT', `".." is refused: ${input}`, { path: input });
    if (part.startsWith('.')) throw new NetroomError('HIDDEN_PATH', `hidden names are refused: ${input}`, { path: input });
    // eslint-disable-next-line no-control-regex -- matching control characters is the point here
    if (/[\u0000-\u001f\u007f]/u.test(part)) throw new NetroomError('BAD_PATH', 'a path cannot contain control characters');
    if (Buffer.byteLength(part) > 255) throw new NetroomError('BAD_PATH', 'a name is at most 255 bytes');
  }
  return parts.join('/');
}

/** True when `name` (one folder entry) passes checkPath unchanged: visible, and addressable as is. */
export function isServableName(name: string): boolean {
  try {
    return checkPath(name) === name;
  } catch {
    return false;
  }
}

/**
 * True when `full` is `root` or below it. path.relative rather than a prefix test, which needs care
 * with the separator (`/srv/root-evil` starts with `/srv/root`) and breaks for the root `/`.
 */
export function isWithin(root: string, full: string): boolean {
  const rel = path.relative(root, full);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Remove what uploads cut short by a previous run left: temp files (`.netroom-upload-*`) and the
 * files of resumable uploads that were in flight (`.netroom-partial-KEY-TOTAL-RANDOM`). The latter
 * are not resumable: their bytes were never fsynced (after a power cut they may end in zeros) and
 * no client was told their offset, so keeping them would only take disk (issue 10, item 5). Kept
 * uploads (`.netroom-partial-KEY-TOTAL`, `.netroom-kept-KEY`) wait to be continued, pruned by their TTL.
 * The library folder may be shared by several nodes: only temps whose process is gone are removed
 * (see tempOwner); another live node's uploads in flight are its own, and left alone.
 * Returns how many files were removed.
 */
export function removeLeftovers(dir: string): Promise<number> {
  return removeFilesUnder(dir, (_full, name) => isInFlightName(name) && tempOwner(name) === 'dead');
}

/** True for the name of an upload's temp while in flight: `.netroom-upload-*`, or a partial upload's working file. */
export function isInFlightName(name: string): boolean {
  return name.startsWith(UPLOAD_PREFIX) || (name.startsWith(PARTIAL_PREFIX) && !KEPT.test(name));
}
