// The engines of the cluster bench: a real PostgreSQL and Redis (the tests' helpers), their process ids, and CPU time of process trees.
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres.js';
import { startRedis, type TestRedis } from '../test/helpers/redis.js';

export type { TestPostgres, TestRedis };
export { startPostgres, startRedis };

/**
 * utime + stime of one process and cutime + cstime (its children that ended and were waited for), in
 * microseconds, and its parent; null once it is gone. With the children's part, a PostgreSQL backend that
 * ends during a run moves into its parent's figure instead of dropping out of the tree's sum.
 */
function statOf(pid: number): { cpu: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1_000_000) / 100 };
  } catch {
    return null;
  }
}

/**
 * CPU time (us) of each process in `roots` and of all their live descendants: a `--workers` primary and its
 * workers, PostgreSQL's postmaster and its backends. Linux only (/proc); null when a root is gone.
 */
export function treeCpuMicros(roots: readonly number[]): number | null {
  const stats = new Map<number, { cpu: number; ppid: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    const s = statOf(Number(entry));
    if (s) stats.set(Number(entry), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let total = 0;
  const seen = new Set<number>();
  const stack = [...roots];
  for (const root of roots) if (!stats.has(root)) return null;
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += stats.get(pid)?.cpu ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** redis-server's own process id, from `INFO server` (the tests' helper does not hand it out). */
export async function redisPid(port: number): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`redis on ${port}: no answer to INFO`));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /process_id:(\d+)/u.exec(text);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
  });
}

/** PostgreSQL's postmaster process id: the parent of the backend answering us. */
export async function postgresPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = result.rows[0]?.pid;
    const parent = backend === undefined ? null : statOf(backend);
    if (!parent) throw new Error('cannot find the PostgreSQL backend in /proc');
    return parent.ppid;
  } finally {
    await client.end();
  }
}
