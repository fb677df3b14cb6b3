// The access store of a data folder for the offline subcommands (user, token, invite): where DATA is, and opening DATA/access.sqlite.
import * as path from 'node:path';
import { Access } from '../core/access/access.js';
import { DEFAULTS } from '../config.js';
import { ensurePrivateDirSync, ensurePrivateFileSync } from '../private-mode.js';
import { ACCESS_FILE, SqliteAccessStore } from '../store/access-sqlite.js';
import { PgAccessStore } from '../engine/store/postgres/access.js';

/** Help text of `--data` on these subcommands (the same folder as `netroom serve --data`). */
export const DATA_HELP = `the server's data folder holding access.sqlite (default NETROOM_DATA, else ${DEFAULTS.data}); with NETROOM_DATABASE set, the accounts are in that PostgreSQL database instead`;

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

/**
 * Run `work` on the accounts store and close it, whatever happens: PostgreSQL when NETROOM_DATABASE
 * names one (the store every node of a cluster shares; the change reaches running nodes through its
 * notices), else the data folder's SQLite file.
 */
export async function withDataAccess<T>(dataDir: string, work: (access: Access) => Promise<T> | T, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const database = env.NETROOM_DATABASE?.trim();
  if (database !== undefined && database !== '') {
    const store = await PgAccessStore.open(database);
    const access = new Access(store);
    try {
      return await work(access);
    } finally {
      access.close();
      // The write queue lands before the command says it is done.
      await store.shutdown();
    }
  }
  const access = openDataAccess(dataDir);
  try {
    return await work(access);
  } finally {
    access.close();
  }
}
