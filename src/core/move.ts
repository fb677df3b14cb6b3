// Renaming or moving an entry inside the library (FTP RNFR/RNTO), under the Library's path and overwrite rules.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { NetroomError, fromSystemError } from './errors.js';
import type { ChangeSource, Library, Prepared, Resolved } from './library.js';
import { checkPath } from './library-paths.js';

/**
 * Move the file or folder `from` to `to` (both library paths). The target's parent must exist. A
 * file replaces a file of the same name atomically unless `--no-overwrite`; nothing replaces a
 * folder, and a folder cannot move into itself. Both names pass Library.resolve (no `..`, no hidden
 * names, no symlinks leading out). `options.noOverwrite` refuses any existing target for this move
 * alone (WebDAV `Overwrite: F`), as `--no-overwrite` does for every move.
 */
export async function moveEntry(library: Library, from: string, to: string, by?: ChangeSource, options: { noOverwrite?: boolean } = {}): Promise<Resolved> {
  if (checkPath(from) === '' || checkPath(to) === '') throw new NetroomError('BAD_PATH', 'the library root cannot be renamed');
  // Both folders opened and checked, and the rename made through them: a symlink swapped in along
  // either path after the check changes nothing (issue 10, item 1).
  const source = await library.openParent(from);
  try {
    const target = await library.openParent(to);
    try {
      await moveBetween(library, source, target, by, library.uploadRules.noOverwrite || options.noOverwrite === true);
      return { rel: target.rel, abs: path.join(target.dir.real, path.posix.basename(target.rel)) };
    } finally {
      await target.dir.close();
    }
  } finally {
    await source.dir.close();
  }
}

async function moveBetween(library: Library, source: Prepared, target: Prepared, by: ChangeSource | undefined, noOverwrite: boolean): Promise<void> {
  let sourceIsDir: boolean;
  try {
    sourceIsDir = (await fs.lstat(source.abs)).isDirectory();
  } catch (err) {
    throw fromSystemError(err, source.rel);
  }
  if (target.rel === source.rel) return;
  await library.rights.check(by, 'rename', source.rel, source.abs);
  if (sourceIsDir && target.rel.startsWith(`${source.rel}/`)) {
    throw new NetroomError('BAD_REQUEST', `a folder cannot move into itself: ${source.rel} -> ${target.rel}`, { path: target.rel });
  }
  const existing = await fs.stat(target.abs).catch(() => null);
  if (existing?.isDirectory()) throw new NetroomError('ALREADY_EXISTS', `a folder has that name: ${target.rel}`, { path: target.rel });
  if (existing !== null && sourceIsDir) throw new NetroomError('ALREADY_EXISTS', `already exists: ${target.rel}`, { path: target.rel });
  // Replacing a file is overwriting it: checked against the one who made it, and its record goes.
  const replaced = existing === null ? null : await library.rights.book.identify(target.abs);
  if (replaced !== null) await library.rights.check(by, 'overwrite', target.rel, target.abs);
  let type: 'file' | 'dir' = sourceIsDir ? 'dir' : 'file';
  if (!sourceIsDir) {
    // A symlink to a folder is listed as a folder (Library.list follows links): report it as one.
    const followed = await fs.stat(source.abs).catch(() => null);
    if (followed?.isDirectory() === true) type = 'dir';
  }
  try {
    // Someone who may not replace just any file takes a free name with link(), which refuses a
    // file that appeared since the check above (a folder cannot be hard-linked: rename() then).
    const guarded = noOverwrite || (existing === null && !library.rights.mayReplaceAny(by));
    if (guarded && !sourceIsDir) {
      // link() refuses an existing name atomically; rename() would replace it.
      await fs.link(source.abs, target.abs);
      await fs.unlink(source.abs);
    } else {
      if (noOverwrite && existing !== null) {
        throw new NetroomError('ALREADY_EXISTS', `already exists: ${target.rel}`, { path: target.rel });
      }
      await fs.rename(source.abs, target.abs);
    }
  } catch (err) {
    throw fromSystemError(err, target.rel);
  }
  if (replaced !== null && replaced.links <= 1) await library.rights.book.drop(replaced.key);
  library.changed({ kind: 'rename', from: source.rel, to: target.rel, type, ...(by === undefined ? {} : { by }) });
}
