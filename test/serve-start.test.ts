// End-to-end tests of `netroom serve` starting up: refused folders and door sets, signals during start-up, banner before logs.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, CliProcess, runCli } from './helpers/cli.js';

let dir: string;
const running: CliProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netroom-start-'));
});

afterEach(async () => {
  for (const proc of running.splice(0)) await proc.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** serve with only the seed doors, on free ports, with the given folders. */
function serveArgs(files: string, data: string, ...extra: string[]): string[] {
  return ['serve', '--port', '0', '--http', 'off', '--irc', 'off', '--ftp', 'off', '--dir', files, '--data', data, ...extra];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('netroom serve refuses what it cannot use, before creating anything', () => {
  it.runIf(process.platform === 'linux')('exits 2 at once for a --dir under /proc (it used to spin and ignore signals)', async () => {
    const result = await runCli(serveArgs('/proc/nonexist/x', join(dir, 'data')));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("netroom: --dir /proc/nonexist/x: /proc is on the kernel's proc filesystem, not a place for files\n");
    expect(await exists(join(dir, 'data'))).toBe(false);
  });

  it('exits 2 with "not a folder" when --dir or --data is a file', async () => {
    const file = join(dir, 'passwd');
    await writeFile(file, 'root:x:0:0\n');
    const asDir = await runCli(serveArgs(file, join(dir, 'data')));
    expect(asDir.code).toBe(2);
    expect(asDir.stderr).toBe(`netroom: --dir ${file}: not a folder\n`);
    const asData = await runCli(serveArgs(join(dir, 'files'), file));
    expect(asData.code).toBe(2);
    expect(asData.stderr).toBe(`netroom: --data ${file}: not a folder\n`);
    const below = await runCli(serveArgs(join(dir, 'files'), join(file, 'state')));
    expect(below.code).toBe(2);
    expect(below.stderr).toBe(`netroom: --data ${join(file, 'state')}: ${file} is not a folder\n`);
    // The library folder was valid but is not created when --data is refused.
    expect(await exists(join(dir, 'files'))).toBe(false);
  });

  it('exits 2 when every door is off (it used to print the banner and exit 13)', async () => {
    const result = await runCli(['serve', '--http', 'off', '--irc', 'off', '--ftp', 'off', '--port', 'off', '--dir', join(dir, 'f'), '--data', join(dir, 'd')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('netroom: every door is off (--http, --irc, --ftp, --port): turn at least one on\n');
    expect(await exists(join(dir, 'f'))).toBe(false);
  });
});

describe('netroom serve and signals during start-up', () => {
  it.runIf(process.platform !== 'win32')('stops on SIGTERM while start-up is stuck reading the data folder', async () => {
    // A FIFO as DATA/admin-token stands in for a hung disk: reading it blocks until a writer writes.
    const data = join(dir, 'data');
    await mkdir(data);
    const fifo = join(data, 'admin-token');
    await promisify(execFile)('mkfifo', [fifo]);
    const proc = new CliProcess(serveArgs(join(dir, 'files'), data));
    running.push(proc);
    const exited = once(proc.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // Our open for writing completes when serve opens the FIFO to read it: serve is mid-start now.
    const writer = await openWhenServeReads(fifo, exited, proc);
    try {
      proc.child.kill('SIGTERM');
      const [code, signal] = await exited;
      // Ended by the signal itself (a shell shows 143): nothing had been served yet.
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      expect(proc.stderr).toContain('netroom: SIGTERM during start-up: stopped');
      expect(proc.lines).toEqual([]);
    } finally {
      await writer.close();
    }
  });
});

/** Open `fifo` for writing once serve reads it; if serve exits first, release our pending open and fail. */
async function openWhenServeReads(fifo: string, exited: Promise<unknown>, proc: CliProcess): Promise<FileHandle> {
  const opening = open(fifo, 'w');
  const first = await Promise.race([opening.then((handle) => ({ handle })), exited.then(() => null)]);
  if (first !== null) return first.handle;
  const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  await (await opening).close();
  await reader.close();
  throw new Error(`serve exited before reading DATA/admin-token: ${proc.stderr}`);
}

describe('netroom serve output', () => {
  it('prints the banner before any log line, and logs JSON lines when standard error is piped', async () => {
    // stdout and stderr into one pipe, as a terminal shows them: the order between the two is kept.
    const args = serveArgs(join(dir, 'files'), join(dir, 'data'), '--http', '0', '--log-level', 'info');
    const child = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, CLI, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (line.includes('"msg":"netroom started"')) child.kill('SIGTERM');
    }
    expect((await exited)[0]).toBe(0);
    const banner = lines.findIndex((line) => line.startsWith('type a line and press Enter'));
    const firstLog = lines.findIndex((line) => line.startsWith('{'));
    expect(lines[0]).toMatch(/^http\s+listening on tcp:\/\/127\.0\.0\.1:\d+$/u);
    expect(banner).toBeGreaterThan(0);
    expect(firstLog).toBeGreaterThan(banner);
    // Everything after the banner is a JSON log line, except the farewell on stdout.
    const after = lines.slice(banner + 1).filter((line) => line !== 'netroom stopped');
    const records = after.map((line) => JSON.parse(line) as { msg?: string; app?: string });
    expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['listening', 'netroom started', 'stopping']));
    expect(records.every((r) => r.app === 'netroom')).toBe(true);
    const started = records.find((r) => r.msg === 'netroom started') as { doors?: Record<string, string> } | undefined;
    expect(started?.doors?.http).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/u);
    expect(started?.doors?.irc).toBe('off');
  });
});
