// Starts a real redis-server for a test file: a free port on 127.0.0.1, a temp folder, no persistence; stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A running redis-server owned by the test. */
export interface TestRedis {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Stop it (SIGTERM, then SIGKILL after 5 s) and remove its folder. */
  stop(): Promise<void>;
  /** Stop it if it runs, then start a fresh (empty) one on the same port. */
  restart(): Promise<void>;
  /** SIGKILL at once, as a crash would; `restart()` brings it back. */
  kill(): void;
}

const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((candidate) => existsSync(candidate));

/** A port the kernel just gave out and took back (another process could take it in between: start() retries). */
async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** One PING over a raw socket: true when the server answers +PONG. */
async function ping(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) done(text.startsWith('+PONG'));
    });
  });
}

/** Spawn redis-server on `port`; resolves once its log says it is ready and a PING answers, rejects if it exits first. */
async function launch(port: number, dir: string): Promise<ChildProcess> {
  if (binary === undefined) {
    throw new Error('redis-server is not installed (Debian package redis-server; .ci/run installs it)');
  }
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes('Ready to accept connections')) {
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      reject(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${log.slice(-2000)}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
  // Keep draining its output so a full pipe never blocks it.
  child.stdout?.resume();
  child.stderr?.resume();
  if (!(await ping(port))) {
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} said it was ready but does not answer PING`);
  }
  return child;
}

async function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exit;
  clearTimeout(timer);
}

/** Start a redis-server for tests. One per test file (beforeAll/afterAll); use key prefixes to keep tests apart. */
export async function startRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netroom-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  let lastError: unknown;
  // The free port can be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < 5 && child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (error) {
      lastError = error;
      if (binary === undefined) break;
    }
  }
  if (child === undefined) {
    await rm(dir, { recursive: true, force: true });
    throw lastError instanceof Error ? lastError : new Error('redis-server did not start');
  }
  let current: ChildProcess = child;
  // A test process that dies without afterAll must not leave a server behind.
  const onExit = (): void => {
    current.kill('SIGKILL');
  };
  process.once('exit', onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill(): void {
      current.kill('SIGKILL');
    },
    async restart(): Promise<void> {
      await ended(current, 'SIGTERM');
      current = await launch(port, dir);
    },
    async stop(): Promise<void> {
      process.off('exit', onExit);
      await ended(current, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
