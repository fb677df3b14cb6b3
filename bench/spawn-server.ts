// Starts `netroom serve` as a child process on free ports and reads back where its doors listen.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running server child: its PID, the ports it printed, and stop(). */
export interface ServerChild {
  readonly pid: number;
  readonly ports: Record<string, number>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/**
 * The benchmarks open thousands of connections from one loopback address: far past the per-address
 * cap meant for real clients. Given first, so a bench's own flags still win.
 */
const BENCH_LIMITS = ['--max-per-address', '1000000'];

/** Spawn the built CLI (`dist/src/cli/main.js serve ...`) and wait until every door has printed its address. */
export async function startServer(args: string[], expectDoors: string[]): Promise<ServerChild> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'serve', ...BENCH_LIMITS, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports: Record<string, number> = {};
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`server exited early with code ${String(code)}`)));
    lines.on('line', (line) => {
      const match = /^(\S+)\s+listening on \w+:\/\/.*:(\d+)$/u.exec(line);
      if (match?.[1] && match[2]) ports[match[1]] = Number(match[2]);
      if (expectDoors.every((d) => d in ports)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    pid: child.pid!,
    ports,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A bench child program from dist/bench (e.g. the naive ws room) that prints "listening PORT". */
export async function startChild(script: string, args: string[]): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 10 s`)), 10_000);
    child.once('exit', (code) => reject(new Error(`${script} exited early with code ${String(code)}`)));
    lines.on('line', (line) => {
      const match = /^listening (\d+)$/u.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    pid: child.pid!,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
