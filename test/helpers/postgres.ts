// Starts a real PostgreSQL 15 for a test file: a temp cluster on a free 127.0.0.1 port, a fresh database per test, stopped by the test.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.NETROOM_PG_BIN ?? '/usr/lib/postgresql/15/bin';
// initdb and postgres refuse to run as root; CI and this machine run the tests as root.
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** A running test server. */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, no password). */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database and returns its URL: one per test keeps tests apart. */
  newDatabase(): Promise<string>;
  /** Stops the server at once (as a crash would) but keeps its data, for outage tests. */
  down(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  up(): Promise<void>;
  /** down() then up(). */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Starts PostgreSQL (about a second); throws a clear error when the binaries are missing. */
export async function startPostgres(): Promise<TestPostgres> {
  try {
    await access(join(BIN, 'pg_ctl'));
  } catch {
    throw new Error(`PostgreSQL 15 binaries not found in ${BIN} (install postgresql-15, or set NETROOM_PG_BIN)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'netroom-pg-'));
  if (AS_ROOT) await chown(dir, NOBODY, NOBODY);
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  await run(dir, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  // fsync off is safe here: down() kills the server, not the machine. synchronous_commit stays on so a
  // commit survives down() (an outage test relies on it).
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c fsync=off -k ${dir}`;
  const start = (): Promise<void> => run(dir, 'pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', options]).catch(async (err: unknown) => {
    const tail = await readFile(log, 'utf8').catch(() => '');
    throw new Error(`${(err as Error).message}\n--- server log ---\n${tail.slice(-2000)}`);
  });
  const down = (): Promise<void> => run(dir, 'pg_ctl', ['stop', '-m', 'immediate', '-w', '-D', data]);
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    async newDatabase() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    down,
    up: start,
    async restart() {
      await down();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await down().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a PostgreSQL binary, as nobody when we are root; rejects with its output on failure. */
function run(cwd: string, tool: string, args: string[]): Promise<void> {
  const file = AS_ROOT ? 'setpriv' : join(BIN, tool);
  const argv = AS_ROOT ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', join(BIN, tool), ...args] : args;
  return new Promise((resolve, reject) => {
    // cwd: the temp folder, since nobody may not read the test's own working directory.
    execFile(file, argv, { cwd, env: { ...process.env, LC_ALL: 'C.UTF-8' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${tool} ${args[0] ?? ''} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** A port nobody listens on now (the kernel's pick for port 0, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
