// Server processes for the cluster bench: netroom nodes (`serve`, alone, on PostgreSQL + Redis, or with --workers) and socket.io nodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running server process: where its members connect, the PID whose process tree does the work, stop(). */
export interface BenchNode {
  readonly url: string;
  readonly pid: number;
  /** What it logged at warning level or above since it started, counted by message (its stderr is not echoed: a burst can log thousands). */
  readonly logged: Map<string, number>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const SOCKETIO = fileURLToPath(new URL('./socketio-room.js', import.meta.url));
/** Starting on PostgreSQL + Redis on a loaded 2-core machine can take several seconds. */
const START_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 10_000;

/**
 * Spawn `argv` and wait for a stdout line matching `ready` (its first group is the port), or fail
 * with the end of what it printed on stderr if it exits or takes longer than START_LIMIT_MS.
 */
async function spawnUntil(name: string, argv: string[], ready: RegExp): Promise<{ child: ChildProcess; port: number; logged: Map<string, number> }> {
  const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString('utf8')).slice(-2000)));
  const logged = new Map<string, number>();
  createInterface({ input: child.stderr }).on('line', (line) => {
    const key = logKey(line);
    if (key !== null) logged.set(key, (logged.get(key) ?? 0) + 1);
  });
  const lines = createInterface({ input: child.stdout });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${String(code)}) before it listened: ${errors.trim().split('\n').slice(-3).join(' / ')}`));
      });
      lines.on('line', (line) => {
        const match = ready.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    // Both pipes stay read (stdout by `lines`, stderr by the counter) so a full pipe never blocks the server.
    return { child, port, logged };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** A stderr line as a count key: a JSON log record's message (and error) at warning level or above, or any other non-empty line. */
function logKey(line: string): string | null {
  const text = line.trim();
  if (text === '') return null;
  try {
    const record = JSON.parse(text) as { level?: number; msg?: string; error?: unknown; err?: { message?: string } };
    if (typeof record.level === 'number' && record.level < 40) return null;
    const why = typeof record.error === 'string' ? record.error : record.err?.message;
    return `${record.msg ?? text.slice(0, 200)}${why ? ` (${why})` : ''}`;
  } catch {
    return text.slice(0, 200);
  }
}

/** SIGTERM, then SIGKILL after STOP_LIMIT_MS: a stuck node must not hang the bench. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
  await exited;
  clearTimeout(timer);
}

/** How a netroom node runs: its engines (none: memory + SQLite) and its worker count. */
export interface NetroomNodeOptions {
  /** The shared library folder (every node of one server names the same one). */
  readonly dir: string;
  /** This node's own data folder. */
  readonly data: string;
  readonly database?: string;
  readonly redis?: string;
  readonly workers?: number;
}

/** `node dist/src/cli/main.js serve` with only the HTTP door (WebSocket chat at /ws), no flood limit. */
export async function startNetroomNode(options: NetroomNodeOptions): Promise<BenchNode> {
  await mkdir(options.dir, { recursive: true });
  // 0700: netroom warns about a data folder other users can read.
  await mkdir(options.data, { recursive: true, mode: 0o700 });
  const args = [MAIN, 'serve', '--max-per-address', '1000000', '--port', 'off', '--http', '0', '--irc', 'off', '--ftp', 'off'];
  args.push('--flood', 'off', '--log-level', 'warn', '--dir', options.dir, '--data', options.data);
  if (options.database) args.push('--database', options.database);
  if (options.redis) args.push('--redis', options.redis);
  if (options.workers) args.push('--workers', String(options.workers));
  const { child, port, logged } = await spawnUntil('netroom', args, /^http\s+listening on \w+:\/\/.*:(\d+)$/u);
  return { url: `ws://127.0.0.1:${port}/ws`, pid: child.pid!, logged, stop: () => stopChild(child) };
}

/** The socket.io chat room (bench/socketio-room.ts) on `redis` with the Redis adapter. */
export async function startSocketIoNode(redis: string): Promise<BenchNode> {
  const { child, port, logged } = await spawnUntil('socket.io room', [SOCKETIO, '0', redis], /^listening (\d+)$/u);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, logged, stop: () => stopChild(child) };
}
