// The administrator token: from flag or environment, else generated once and kept in DATA/admin-token (0600).
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from './private-mode.js';

/** Where the token came from, so `serve` can say so. */
export interface AdminToken {
  readonly token: string;
  readonly source: 'config' | 'file' | 'generated';
  /** The token file, when the token lives in one. */
  readonly path?: string;
}

/** The token file's name inside the data folder (also read by `netroom announce`). */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** Use `configured` if given; else read DATA/admin-token; else create it with a fresh random token. */
export async function loadAdminToken(dataDir: string, configured: string | undefined): Promise<AdminToken> {
  if (configured !== undefined) return { token: configured, source: 'config' };
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length >= 16) {
      // A token file left readable by others (an older netroom, a copy) is narrowed to 0600.
      await tightenFile(path);
      return { token, source: 'file', path };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await ensurePrivateDir(dataDir);
  const token = randomBytes(24).toString('base64url');
  // Readable by the server's own user only: the token lets anyone announce as the administrator.
  // The mode given to writeFile passes through the umask and only applies to a new file: set it again.
  await writeFile(path, `${token}\n`, { mode: PRIVATE_FILE_MODE });
  await chmod(path, PRIVATE_FILE_MODE);
  return { token, source: 'generated', path };
}
