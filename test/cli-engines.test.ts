// The engine flags from the command line: validation, and the account commands on a shared PostgreSQL store.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { PgAccessStore } from '../src/engine/store/postgres/access.js';
import { CLI } from './helpers/cli.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

async function cli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'pipe', env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('engine flags', () => {
  it('refuses --redis without --database, with the reason', () => {
    expect(() => resolveConfig({ redis: 'redis://127.0.0.1:6379' }, {})).toThrow(/without --database .* its own SQLite/u);
  });
  it('refuses --workers 2 without the networked engines', () => {
    expect(() => resolveConfig({ workers: '2' }, {})).toThrow(/--workers 2 .* give --redis and --database/u);
  });
  it('refuses URLs of the wrong kind and never echoes a password', () => {
    expect(() => resolveConfig({ database: 'mysql://root:hunter2@db/x' }, {})).toThrow(/--database takes a postgres:\/\/ or postgresql:\/\/ URL/u);
    expect(() => resolveConfig({ redis: 'http://x' }, {})).toThrow(/--redis takes a redis:\/\/ or rediss:\/\/ URL/u);
    let message = '';
    try {
      resolveConfig({ database: 'postgres://u:hunter2@[bad' }, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/--database takes a URL/u);
    expect(message).not.toContain('hunter2');
  });
  it('takes them from the environment too', () => {
    const config = resolveConfig({}, { NETROOM_DATABASE: 'postgres://a@127.0.0.1/b', NETROOM_REDIS: 'redis://127.0.0.1:1', NETROOM_WORKERS: '3' });
    expect(config.engines).toEqual({ database: 'postgres://a@127.0.0.1/b', redis: 'redis://127.0.0.1:1', workers: 3 });
  });
});

describe('netroom user with NETROOM_DATABASE', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it('adds an account in PostgreSQL, where every node finds it', async () => {
    const database = await pg.newDatabase();
    const added = await cli(['user', 'add', 'alice', '--role', 'admin', '--password-stdin'], { NETROOM_DATABASE: database }, 'correct horse battery\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const listed = await cli(['user', 'list'], { NETROOM_DATABASE: database });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/alice\s+admin/u);
    const store = await PgAccessStore.open(database);
    try {
      expect(store.account('alice')?.role).toBe('admin');
    } finally {
      await store.shutdown();
    }
  }, 60_000);
});
