// The PostgreSQL test helper itself: a real server starts, answers, makes fresh databases, comes back after down/up, stops.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function ask(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('test/helpers/postgres', () => {
  it('starts a server that answers select 1', async () => {
    const result = await ask(server.url, 'select 1 as one');
    expect(result.rows).toEqual([{ one: 1 }]);
  });

  it('makes a fresh, empty database each time', async () => {
    const a = await server.newDatabase();
    const b = await server.newDatabase();
    expect(a).not.toBe(b);
    await ask(a, 'create table t (x int)');
    const tables = await ask(b, "select count(*)::int as n from pg_tables where schemaname = 'public'");
    expect(tables.rows).toEqual([{ n: 0 }]);
  });

  it('comes back on the same port with its data after down and up', async () => {
    const url = await server.newDatabase();
    await ask(url, 'create table kept (x int); insert into kept values (7)');
    await server.down();
    await expect(ask(url, 'select 1')).rejects.toThrow();
    await server.up();
    const result = await ask(url, 'select x from kept');
    expect(result.rows).toEqual([{ x: 7 }]);
  });
});
