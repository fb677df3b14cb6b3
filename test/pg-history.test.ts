// The HistoryStore contract run against both engines: SqliteHistory in a temp folder and PgHistory on a fresh PostgreSQL database.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PgHistory } from '../src/engine/store/postgres/history.js';
import { SqliteHistory } from '../src/store/sqlite.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { cleanUp, tempDir } from './helpers/store.js';
import { historyCases, type AnyHistory, type Engine } from './pg-history-cases.js';

let server: TestPostgres;
/** Every store a test opened, closed after it (a PostgreSQL pool left open would keep the server busy). */
const open: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
  await cleanUp();
});
afterAll(async () => {
  await server?.stop();
});

const sqlite: Engine = {
  name: 'SqliteHistory',
  remoteEvents: false,
  async fresh() {
    const dir = await tempDir();
    return {
      open(options = {}) {
        const store = SqliteHistory.open(dir, options);
        open.push(() => Promise.resolve(store.close()));
        return Promise.resolve(store as AnyHistory);
      },
      close(store) {
        store.close();
        return Promise.resolve();
      },
    };
  },
};

const postgres: Engine = {
  name: 'PgHistory',
  remoteEvents: true,
  async fresh() {
    const url = await server.newDatabase();
    return {
      async open(options = {}) {
        const store = await PgHistory.open(url, options);
        open.push(() => store.closeAsync());
        return store;
      },
      close(store) {
        return (store as PgHistory).closeAsync();
      },
    };
  },
};

historyCases(sqlite);
historyCases(postgres);
