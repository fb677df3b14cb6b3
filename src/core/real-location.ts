// Where a path really leads, following symlinks (dangling ones too), for the Library's containment checks.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * The real location of `abs` with every symlink followed, or null when it cannot be known (a
 * loop, no permission). Missing trailing parts are allowed (an upload target need not exist
 * yet), but a missing part that is itself a dangling symlink is followed by hand: realpath()
 * reports it as ENOENT, and walking up past it would take a link to a not-yet-existing place
 * outside the root for an ordinary new name inside.
 */
export async function realLocation(abs: string, depth = 0): Promise<string | null> {
  let probe = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      return path.join(real, ...rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR (a file used as a folder, `a.txt/b`) is a missing path, not an escape: the
      // caller's own open/stat then reports NOT_A_DIRECTORY. Anything else (ELOOP, EACCES) is refused.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
      const link = code === 'ENOENT' ? await readLink(probe) : null;
      if (link !== null) {
        if (depth >= MAX_LINK_DEPTH) return null;
        // The link exists, so its folder does: resolve the target against that folder's real path.
        const dir = await fs.realpath(path.dirname(probe)).catch(() => null);
        if (dir === null) return null; // removed meanwhile: refuse rather than guess
        const target = path.resolve(dir, link);
        return realLocation(path.join(target, ...rest), depth + 1);
      }
      const parent = path.dirname(probe);
      if (parent === probe) return null;
      rest.unshift(path.basename(probe));
      probe = parent;
    }
  }
}

/** How many dangling symlinks in a row realLocation follows by hand (the kernel's own limit is 40). */
const MAX_LINK_DEPTH = 40;

/** The target of `p` if it is a symlink, else null. */
async function readLink(p: string): Promise<string | null> {
  try {
    return await fs.readlink(p);
  } catch {
    return null;
  }
}

