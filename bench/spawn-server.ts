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

/** Spawn the built CLI (`dist/src/cli/main.js serve ...`) and wait until every door has printed its address. */
export async function startServer(args: string[], expectDoors: string[]): Promise<ServerChild> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'serve', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
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
