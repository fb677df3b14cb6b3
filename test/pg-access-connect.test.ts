// PostgreSQL plumbing: a clear STORE_UNAVAILABLE when the server refuses (host and port, never the password), URL checks, migrations once under a lock.
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNetroomError } from '../src/core/errors.js';
import { PgAccessStore } from '../src/engine/store/postgres/access.js';
import { openPool, parseDatabaseUrl } from '../src/engine/store/postgres/connect.js';
import { migrate } from '../src/engine/store/postgres/migrate.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** A port that was free a moment ago: nothing answers there. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('openPool', () => {
  it('refuses with STORE_UNAVAILABLE naming host and port, never the password', async () => {
    const port = await closedPort();
    const err: unknown = await openPool(`postgres://netroom:s3cret-pw@127.0.0.1:${port}/netroom`).catch((e: unknown) => e);
    expect(isNetroomError(err) && err.code).toBe('STORE_UNAVAILABLE');
    const message = (err as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('s3cret-pw');
  });

  it('PgAccessStore.open refuses the same way, and a server that answers opens', async () => {
    const port = await closedPort();
    const err: unknown = await PgAccessStore.open(`postgres://netroom:s3cret-pw@127.0.0.1:${port}/netroom`).catch((e: unknown) => e);
    expect(isNetroomError(err) && err.code).toBe('STORE_UNAVAILABLE');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain('s3cret-pw');
    const store = await PgAccessStore.open(await server.newDatabase());
    await store.shutdown();
  });

  it('says why when the database does not exist', async () => {
    const url = server.url.replace(/\/postgres$/, '/no_such_db');
    const err: unknown = await openPool(url).catch((e: unknown) => e);
    expect(isNetroomError(err) && err.code).toBe('STORE_UNAVAILABLE');
    expect((err as Error).message).toMatch(/no_such_db.*does not exist/);
  });

  it('opens a pool that answers', async () => {
    const pool = await openPool(await server.newDatabase());
    try {
      const { rows } = await pool.query<{ name: string }>('select current_setting($1) as name', ['application_name']);
      expect(rows).toEqual([{ name: 'netroom' }]);
    } finally {
      await pool.end();
    }
  });
});

describe('parseDatabaseUrl', () => {
  it('reads host, port, database and user', () => {
    expect(parseDatabaseUrl('postgres://me:pw@db.example:6543/chat')).toEqual({ host: 'db.example', port: 6543, database: 'chat', user: 'me' });
    expect(parseDatabaseUrl('postgresql://me@db.example/chat').port).toBe(5432);
  });

  it('refuses what is not a postgres URL', () => {
    expect(() => parseDatabaseUrl('mysql://x@y/z')).toThrow(/postgres:\/\//);
    expect(() => parseDatabaseUrl('not a url')).toThrow(/--database/);
  });
});

describe('migrate', () => {
  const steps = ['CREATE TABLE m_one (x int)', 'ALTER TABLE m_one ADD COLUMN y int'];

  it('runs each step once, even when two nodes start together', async () => {
    const url = await server.newDatabase();
    const a = new pg.Pool({ connectionString: url });
    const b = new pg.Pool({ connectionString: url });
    try {
      const ran = await Promise.all([migrate(a, 'access', steps), migrate(b, 'access', steps)]);
      expect(ran.sort()).toEqual([0, 2]);
      expect(await migrate(a, 'access', steps)).toBe(0);
      const { rows } = await a.query<{ version: number }>("SELECT version FROM netroom_migrations WHERE component = 'access' ORDER BY version");
      expect(rows.map((r) => r.version)).toEqual([1, 2]);
      // Another component keeps its own numbers.
      expect(await migrate(a, 'history', ['CREATE TABLE m_two (x int)'])).toBe(1);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('refuses tables written by a newer netroom, and a failed step changes nothing', async () => {
    const url = await server.newDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      await migrate(pool, 'access', steps);
      await expect(migrate(pool, 'access', steps.slice(0, 1))).rejects.toThrow(/newer netroom/);
      await expect(migrate(pool, 'history', ['CREATE TABLE m_three (x int)', 'NOT SQL'])).rejects.toThrow();
      const { rows } = await pool.query("SELECT to_regclass('m_three') AS t");
      expect(rows).toEqual([{ t: null }]);
    } finally {
      await pool.end();
    }
  });
});
