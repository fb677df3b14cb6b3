// A netroom node as a child process (the built CLI's `serve` on a shared PostgreSQL and Redis), for tests where a node must die.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliProcess } from './cli.js';

/** One `netroom serve` process and the ports its banner printed. */
export interface NodeProcess {
  readonly proc: CliProcess;
  readonly irc: number;
  readonly http: number;
  readonly data: string;
  /** SIGKILL, as a crash would: no goodbye on the bus, no leaves stored by this node. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), then remove its data folder. */
  stop(): Promise<void>;
  /** Is the process still running? */
  alive(): boolean;
}

export interface NodeProcessOptions {
  readonly database: string;
  readonly redis: string;
  /** The shared library folder. */
  readonly dir: string;
  /** More `serve` arguments. */
  readonly args?: readonly string[];
}

/** Start `netroom serve` (dist/ must be built) on the given engines; resolves once its IRC and HTTP doors listen. */
export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const data = await mkdtemp(join(tmpdir(), 'netroom-node-'));
  const args = [
    'serve',
    ...['--database', options.database, '--redis', options.redis, '--dir', options.dir, '--data', data],
    ...['--http', '0', '--irc', '0', '--ftp', 'off', '--port', '0', '--flood', 'off', '--log-level', 'warn'],
    ...(options.args ?? []),
  ];
  const proc = new CliProcess(args);
  const alive = (): boolean => proc.child.exitCode === null && proc.child.signalCode === null;
  try {
    const irc = Number((await proc.waitFor(/^irc\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)$/u))[1]);
    const http = Number((await proc.waitFor(/^http\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)$/u))[1]);
    return {
      proc,
      irc,
      http,
      data,
      alive,
      async kill() {
        if (!alive()) return;
        const exited = once(proc.child, 'exit');
        proc.child.kill('SIGKILL');
        await exited;
      },
      async stop() {
        await proc.stop('SIGTERM');
        await rm(data, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await proc.stop('SIGKILL');
    await rm(data, { recursive: true, force: true });
    throw err;
  }
}
