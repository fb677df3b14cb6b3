// Which engines a contract suite runs on: embedded (memory + SQLite) or networked (PostgreSQL + Redis), as server options.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { RawOptions } from '../../src/config.js';
import { ACCESS_STEPS } from '../../src/engine/store/postgres/access-schema.js';
import { openPool } from '../../src/engine/store/postgres/connect.js';
import { HISTORY_STEPS } from '../../src/engine/store/postgres/history-schema.js';
import { migrate } from '../../src/engine/store/postgres/migrate.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

/** `embedded`: the default (memory + SQLite); `networked`: `--database` PostgreSQL and `--redis` Redis. */
export type Engine = 'embedded' | 'networked';

/** A suffix for suite names: nothing for the default engine, so the embedded suites keep their names. */
export const ENGINE_TITLE: Readonly<Record<Engine, string>> = {
  embedded: '',
  networked: ' (networked engines: PostgreSQL + Redis)',
};

/** Options that put a server on fresh, empty engines; one call per server. */
export type EngineOptions = () => Promise<RawOptions>;

/**
 * For `networked`, registers hooks that start one PostgreSQL and one redis-server for the calling
 * test file (or describe block); each call of the returned function gives a fresh database and an
 * emptied Redis (the previous server must be stopped by then, as the suites' afterEach do).
 * The fresh databases are copies of one migrated when the engines start: a server opening one finds
 * its schema current (as a node joining a running cluster does), which saves the migration on every start.
 * For `embedded`, no hooks: servers get their own temp folders as before.
 */
export function engineOptions(engine: Engine): EngineOptions {
  if (engine === 'embedded') return () => Promise.resolve({});
  let server: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  let template = '';
  beforeAll(async () => {
    [server, redis] = await Promise.all([startPostgres(), startRedis()]);
    template = await migratedTemplate(server);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), redis?.stop()]);
  });
  return async () => {
    if (server === undefined || redis === undefined) throw new Error('the networked engines are not started (call engineOptions at collection time)');
    const [database] = await Promise.all([copyOf(server, template), flushAll(redis.port)]);
    return { database, redis: redis.url };
  };
}

/** A database with both components' migrations applied and nothing else; no connection is left open on it. */
async function migratedTemplate(server: TestPostgres): Promise<string> {
  const url = await server.newDatabase();
  const pool = await openPool(url);
  try {
    await migrate(pool, 'access', ACCESS_STEPS);
    await migrate(pool, 'history', HISTORY_STEPS);
  } finally {
    await pool.end();
  }
  return new URL(url).pathname.slice(1);
}

/** A fresh database copied from `template`; its URL. */
async function copyOf(server: TestPostgres, template: string): Promise<string> {
  const name = `c_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await client.end();
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** FLUSHALL over a raw socket: the next server starts with no names, presence or node records of the last one. */
async function flushAll(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.once('error', reject);
    socket.once('connect', () => socket.write('FLUSHALL\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      if (reply.startsWith('+OK')) resolve();
      else reject(new Error(`redis FLUSHALL answered ${reply.trim()}`));
    });
  });
}
