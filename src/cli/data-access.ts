// The access store of a data folder for the offline subcommands (user, token, invite): where DATA is, and opening DATA/access.sqlite.
import * as path from 'node:path';
import { Access } from '../core/access/access.js';
import { DEFAULTS } from '../config.js';
import { ensurePrivateDirSync, ensurePrivateFileSync } from '../private-mode.js';
import { ACCESS_FILE, SqliteAccessStore } from '../store/access-sqlite.js';

/** Help text of `--data` on these subcommands (the same folder as `netroom serve --data`). */
export const DATA_HELP = `the server's data folder holding access.sqlite (default NETROOM_DATA, else ${DEFAULTS.data})`;

/** The data folder as `serve` finds it: `--data`, else NETROOM_DATA, else ./netroom-data; absolute. */
export function dataDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env.NETROOM_DATA?.trim();
  return path.resolve(cwd, flag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULTS.data));
}

/**
 * Open the access store of `dataDir` (created 0700 if missing, the database 0600: it holds password
 * hashes). SQLite in WAL mode lets a running server share it; the server notices our commits by polling.
 */
export function openDataAccess(dataDir: string): Access {
  ensurePrivateDirSync(dataDir);
  const file = path.join(dataDir, ACCESS_FILE);
  ensurePrivateFileSync(file);
  return new Access(SqliteAccessStore.open(file));
}

/** Run `work` on the data folder's Access and close it, whatever happens. */
export async function withDataAccess<T>(dataDir: string, work: (access: Access) => Promise<T> | T): Promise<T> {
  const access = openDataAccess(dataDir);
  try {
    return await work(access);
  } finally {
    access.close();
  }
}
