// The AccessStore contract on both stores: SqliteAccessStore on a temp file and PgAccessStore on a fresh PostgreSQL database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PgAccessStore } from '../src/engine/store/postgres/access.js';
import { silentLogger } from '../src/log.js';
import type { AccessStore } from '../src/store/access.js';
import { SqliteAccessStore } from '../src/store/access-sqlite.js';
import { accessStoreContract } from './contract/access-store-contract.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const opened: AccessStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) {
    if (s instanceof PgAccessStore) await s.shutdown();
    else s.close();
  }
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function keep<S extends AccessStore>(store: S): S {
  opened.push(store);
  return store;
}

accessStoreContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-access-'));
  dirs.push(dir);
  const file = join(dir, 'access.sqlite');
  const store = keep(SqliteAccessStore.open(file));
  return { store, saved: () => Promise.resolve(keep(SqliteAccessStore.open(file))) };
});

accessStoreContract('PostgreSQL', async () => {
  const url = await server.newDatabase();
  const store = keep(await PgAccessStore.open(url, { log: silentLogger() }));
  return {
    store,
    saved: async () => {
      // Committed, then read back by a store that loads it all from PostgreSQL.
      if ((await store.settled()) !== 0) throw new Error('writes still waiting');
      return keep(await PgAccessStore.open(url, { log: silentLogger() }));
    },
  };
});
