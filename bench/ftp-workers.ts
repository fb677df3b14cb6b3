// Many cores on one machine (issue 13): 32 parallel FTP RETRs of 32 MiB from `serve` (one process), `serve --workers 2` and vsftpd.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startPostgres, startRedis } from './cluster-engines.js';
import { concurrentRetr } from './ftp-bench.js';
import { startVsftpd, vsftpdBinary, type FtpServer } from './ftp-peers.js';
import { fmt } from './stats.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const MiB = 1024 * 1024;

/** The loads; the issue's are the defaults (`--clients 32 --size 32 --tries 5 --workers 2`). */
export interface FtpWorkersOptions {
  readonly clients: number;
  readonly sizeMiB: number;
  readonly tries: number;
  readonly workers: number;
}

/** One server's runs: the best and the median rate, and the failed downloads over every run. */
export interface FtpWorkersRow {
  readonly server: string;
  readonly best: number;
  readonly median: number;
  readonly failures: number;
}

/** The rows, and the load average (1, 5, 15 min) when the runs began: the machine's other work. */
export interface FtpWorkersFigures {
  readonly rows: FtpWorkersRow[];
  readonly loadBefore: number[];
}

/**
 * `netroom serve` with only the FTP door, as a process group of its own (so a `--workers` primary and its
 * workers are summed alike); resolves when the banner (printed once, by the primary) names the FTP port.
 */
async function startServe(name: string, root: string, data: string, extra: string[]): Promise<FtpServer> {
  const args = [MAIN, 'serve', '--dir', root, '--data', data, '--port', 'off', '--http', 'off', '--irc', 'off', '--ftp', '0', '--max-per-address', '1000000', '--log-level', 'warn', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: two workers each open PostgreSQL and Redis before listening, and the machine may be busy.
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited early with code ${String(code)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ftp\s+listening on tcp:\/\/[^ ]+:(\d+)$/u.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
  });
  // With --workers the primary prints the banner once every worker has started.
  return { name, pid: child.pid!, port, root, uploadPrefix: '', forking: true, stop: () => stopChild(child) };
}

/** `size` random bytes (incompressible, never all in memory at once). */
async function randomFile(path: string, size: number): Promise<void> {
  await writeFile(path, '');
  for (let left = size; left > 0; left -= MiB) await appendFile(path, randomBytes(Math.min(MiB, left)));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Run the load on each server in turn, `tries` rounds (round-robin: a busy machine slows each alike). */
export async function ftpWorkersBench(options: FtpWorkersOptions): Promise<FtpWorkersFigures> {
  const size = options.sizeMiB * MiB;
  const work = await mkdtemp(join(tmpdir(), 'netroom-ftp-workers-'));
  await chmod(work, 0o755); // vsftpd serves anonymous sessions as the `ftp` user
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const servers: FtpServer[] = [];
  try {
    const file = join(work, 'bench.bin');
    await randomFile(file, size);
    const one = join(work, 'one');
    const many = join(work, 'many');
    await mkdir(one);
    await mkdir(many);
    servers.push(await startServe('netroom, 1 process (SQLite)', one, join(work, 'one-data'), []));
    const database = await pg.newDatabase();
    servers.push(await startServe(`netroom, --workers ${options.workers} (PostgreSQL + Redis)`, many, join(work, 'many-data'), ['--workers', String(options.workers), '--database', database, '--redis', redis.url]));
    if (vsftpdBinary()) servers.push(await startVsftpd(work));
    else console.error('vsftpd is not installed (apt-get install vsftpd): its row is left out');
    for (const server of servers) await link(file, join(server.root, 'bench.bin'));
    const loadBefore = loadavg();
    const rates = new Map<FtpServer, number[]>(servers.map((s) => [s, []]));
    const failures = new Map<FtpServer, number>(servers.map((s) => [s, 0]));
    for (let i = 0; i < options.tries; i++) {
      for (const server of servers) {
        const burst = await concurrentRetr(server, 'bench.bin', options.clients, size);
        const delivered = (options.clients - burst.failures) * size;
        rates.get(server)!.push(delivered / burst.seconds / 1e9);
        failures.set(server, failures.get(server)! + burst.failures);
      }
    }
    const rows = servers.map((server) => {
      const sorted = [...rates.get(server)!].sort((a, b) => a - b);
      return { server: server.name, best: sorted.at(-1) ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, failures: failures.get(server)! };
    });
    return { rows, loadBefore };
  } finally {
    for (const server of servers) await server.stop();
    await Promise.all([pg.stop(), redis.stop()]);
    await rm(work, { recursive: true, force: true });
  }
}

/** A markdown table, with each row's ratio to vsftpd (best against best). */
export function ftpWorkersTable({ rows, loadBefore }: FtpWorkersFigures, options: FtpWorkersOptions): string {
  const vsftpd = rows.find((row) => row.server === 'vsftpd');
  const lines = [
    `${options.clients} parallel RETRs of ${options.sizeMiB} MiB (EPSV, TYPE I), best and median of ${options.tries} rounds; load average when the runs began: ${loadBefore.map((n) => fmt(n, 2)).join(' ')}`,
    '',
    '| server | best GB/s | median GB/s | / vsftpd (best) | failed downloads |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.server} | ${fmt(row.best, 2)} | ${fmt(row.median, 2)} | ${vsftpd ? `${fmt(row.best / vsftpd.best, 2)}x` : '-'} | ${row.failures} |`),
  ];
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): FtpWorkersOptions {
  const value = (flag: string, fallback: number): number => {
    const at = argv.indexOf(flag);
    if (at < 0) return fallback;
    const n = Number(argv[at + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a whole number above 0`);
    return n;
  };
  return { clients: value('--clients', 32), sizeMiB: value('--size', 32), tries: value('--tries', 5), workers: value('--workers', 2) };
}

// `node dist/bench/ftp-workers.js [--clients 32] [--size 32] [--tries 5] [--workers 2]` (after `npx tsc -p tsconfig.json`).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  console.log(ftpWorkersTable(await ftpWorkersBench(options), options));
}
