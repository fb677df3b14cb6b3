// `serve --workers 2` end to end (the built CLI, a real PostgreSQL and redis-server): shared ports, FTP passive, seed UDP, restarts, stop.
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asToPrimary, asToWorker } from '../src/cli/worker-messages.js';
import { RestartPolicy } from '../src/cli/worker-restarts.js';
import { bindsSeedUdp, workerIndex } from '../src/net/worker-role.js';
import { CliProcess, runCli } from './helpers/cli.js';
import { RawFtp, readAll } from './helpers/ftp.js';
import { RawIrcClient } from './helpers/irc.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { writeTestCert } from './helpers/tls.js';
import { TestUdpClient } from './helpers/udp.js';

// Start-up of two workers on a busy two-core machine takes seconds: the waits are bounded, not timed.
const START_MS = 45_000;

let pg: TestPostgres;
let redis: TestRedis;
let dir: string;
const running: CliProcess[] = [];
const clients: RawIrcClient[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netroom-workers-'));
  // A fresh, empty redis-server on the same port: no presence left by the previous test's nodes.
  await redis.restart();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const proc of running.splice(0)) {
    const pids = workerPids(proc);
    await proc.stop('SIGKILL');
    for (const pid of pids) killQuietly(pid);
  }
  await rm(dir, { recursive: true, force: true });
});

/** `netroom serve --workers 2` on fresh engines; resolves once the banner is out, with its ports and worker pids. */
async function serveWorkers(doors: string[]): Promise<{ proc: CliProcess; ports: Record<string, number>; pids: number[] }> {
  const database = await pg.newDatabase();
  const args = ['serve', '--workers', '2', '--database', database, '--redis', redis.url, '--dir', join(dir, 'files'), '--data', join(dir, 'data'), '--log-level', 'info', ...doors];
  const proc = new CliProcess(args);
  running.push(proc);
  const workers = await withTimeout(proc.waitFor(/^workers: 2 processes sharing these ports \(pids (\d+), (\d+)\)/u), START_MS, () => proc.stderr);
  await proc.waitFor(/^type a line and press Enter/u);
  const ports: Record<string, number> = {};
  for (const line of proc.lines) {
    const match = /^(\S+)\s+listening on (?:tcp|udp):\/\/127\.0\.0\.1:(\d+)$/u.exec(line);
    if (match) ports[match[1] as string] = Number(match[2]);
  }
  return { proc, ports, pids: [Number(workers[1]), Number(workers[2])] };
}

function workerPids(proc: CliProcess): number[] {
  const pids: number[] = [];
  for (const line of proc.lines) {
    const match = /\(pids (\d+), (\d+)\)/u.exec(line);
    if (match) pids.push(Number(match[1]), Number(match[2]));
  }
  for (const log of logLines(proc)) if (log.msg === 'worker replaced' && typeof log.pid === 'number') pids.push(log.pid);
  return pids;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

type LogLine = Record<string, unknown> & { msg?: string };

function logLines(proc: CliProcess): LogLine[] {
  return proc.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Wait for a JSON log line on the process's stderr (the workers and the primary share it). */
async function waitForLog(proc: CliProcess, test: (log: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
  const find = (): LogLine | undefined => {
    // The last line may still be arriving: only complete lines are parsed.
    const complete = proc.stderr.slice(0, proc.stderr.lastIndexOf('\n') + 1);
    return complete
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine)
      .find(test);
  };
  const found = find();
  if (found) return found;
  return withTimeout(
    new Promise<LogLine>((resolve) => {
      const onData = (): void => {
        const hit = find();
        if (!hit) return;
        proc.child.stderr.off('data', onData);
        resolve(hit);
      };
      proc.child.stderr.on('data', onData);
    }),
    timeoutMs,
    () => proc.stderr,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, context: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms; stderr: ${context().slice(-4000)}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * IRC clients joining #lobby one after the other until both workers serve at least one (the
 * primary hands connections out round-robin): each nick's worker is read from its "registered" log line.
 */
async function clientsOnBothWorkers(proc: CliProcess, port: number, prefix: string): Promise<Map<RawIrcClient, number>> {
  const where = new Map<RawIrcClient, number>();
  for (let i = 0; i < 8 && new Set(where.values()).size < 2; i++) {
    const nick = `${prefix}${i}`;
    const client = await RawIrcClient.open(port);
    clients.push(client);
    await client.joinLobby(nick);
    const log = await waitForLog(proc, (l) => l.msg === 'irc member registered' && l.name === nick);
    where.set(client, log.worker as number);
  }
  expect(new Set(where.values())).toEqual(new Set([0, 1]));
  return where;
}

/** Every client says a line in #lobby and every other one hears it. */
async function everyoneHearsEveryone(all: RawIrcClient[], tag: string): Promise<void> {
  for (const [i, speaker] of all.entries()) speaker.send(`PRIVMSG #lobby :${tag}-${i}`);
  await Promise.all(
    all.flatMap((listener, j) =>
      all.map((_, i) => (i === j ? Promise.resolve() : listener.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === `${tag}-${i}`, 15_000))),
    ),
  );
}

function curl(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--max-time', '60', ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`curl ${args.join(' ')}: ${err.message} ${stderr.toString()}`));
      else resolve(stdout);
    });
  });
}

/** A port free right now for both TCP and UDP on 127.0.0.1 (the seed doors take one number for both). */
async function freeSeedPort(): Promise<number> {
  for (;;) {
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as net.AddressInfo).port;
    const udp = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (free) return port;
  }
}

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('serve --workers 2', () => {
  it(
    'shares the IRC, FTP and seed doors between two workers: one banner, chat across workers, parallel passive RETRs, stdin announced once, SIGTERM ends every process',
    async () => {
      // One file per download, each its own bytes: a data connection that reached the wrong worker would serve another file.
      const files = Array.from({ length: 16 }, (_, i) => randomBytes(256 * 1024 + i));
      await mkdir(join(dir, 'files'), { recursive: true });
      await Promise.all(files.map((data, i) => writeFile(join(dir, 'files', `f${i}.bin`), data)));
      // A set seed port: every worker gets the same number, and only the first may bind its UDP side.
      const seedPort = await freeSeedPort();
      const { proc, ports, pids } = await serveWorkers(['--port', String(seedPort), '--http', 'off', '--irc', '0', '--ftp', '0']);
      expect([ports.udp, ports['seed-files']]).toEqual([seedPort, seedPort]);
      // The banner once, from the primary (the workers hand theirs to it).
      expect(proc.lines.filter((line) => /^irc\s+listening/u.test(line))).toHaveLength(1);
      expect(proc.lines.filter((line) => line.startsWith('admin token:'))).toHaveLength(1);
      expect(pids.every(alive)).toBe(true);

      // IRC clients on both workers: one room, one name space.
      const where = await clientsOnBothWorkers(proc, ports.irc as number, 'w');
      const irc = [...where.keys()];
      await everyoneHearsEveryone(irc, 'hello');

      // The seed UDP door (served by the first worker) and IRC members of either worker hear each other.
      const seed = await TestUdpClient.open(ports.udp as number);
      try {
        seed.send('L seedy');
        expect(await seed.next()).toBe('OK');
        await Promise.all(irc.map((c) => c.waitFor((l) => l.command === 'JOIN' && l.source?.startsWith('seedy!') === true, 15_000)));
        seed.send('C seedy from-the-seed');
        await Promise.all(irc.map((c) => c.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'from-the-seed', 15_000)));
        for (const [client, worker] of where) {
          client.send(`PRIVMSG #lobby :to-the-seed-from-${worker}`);
          await seed.waitFor((text) => text.includes(`to-the-seed-from-${worker}`), 15_000);
        }
      } finally {
        seed.socket.close();
      }

      // A stdin line is announced by one worker; the bus brings it to the other's members.
      proc.child.stdin.write('one announcement\n');
      await Promise.all(irc.map((c) => c.waitFor((l) => l.raw.includes('one announcement'), 15_000)));
      // Messages sent after it, heard everywhere: a second copy would have come by now.
      await everyoneHearsEveryone(irc, 'after');
      for (const client of irc) expect(client.all.filter((raw) => raw.includes('one announcement'))).toHaveLength(1);

      // FTP: the control connections land on either worker; each passive data listener stays in its own.
      const downloads = await Promise.all(
        files.map((_, i) => {
          const url = `ftp://127.0.0.1:${ports.ftp as number}/f${i}.bin`;
          return curl(i % 2 === 0 ? [url] : ['--disable-epsv', url]);
        }),
      );
      expect(downloads.map(sha)).toEqual(files.map(sha));

      // Passive listeners open on both workers at the same time (every EPSV answered before any data
      // connection): each has its own port, and each data connection reaches its own control connection.
      const controls = await Promise.all(Array.from({ length: 8 }, () => RawFtp.login(ports.ftp as number)));
      try {
        const dataPorts: number[] = [];
        for (const control of controls) {
          await control.expect('TYPE I', 200);
          const reply = await control.expect('EPSV', 229);
          dataPorts.push(Number(/\(\|\|\|(\d+)\|\)/u.exec(reply.text)?.[1]));
        }
        expect(new Set(dataPorts).size).toBe(controls.length);
        const received = await Promise.all(
          controls.map(async (control, i) => {
            const data = net.connect({ host: '127.0.0.1', port: dataPorts[i] as number });
            data.on('error', () => undefined);
            await once(data, 'connect');
            const bytes = readAll(data);
            await control.expect(`RETR f${i}.bin`, 150);
            const body = await bytes;
            await control.reply(); // 226
            return body;
          }),
        );
        expect(received.map(sha)).toEqual(files.slice(0, controls.length).map(sha));
      } finally {
        for (const control of controls) control.socket.destroy();
      }

      expect(await proc.stop('SIGTERM')).toBe(0);
      expect(proc.lines.filter((line) => line === 'netroom stopped')).toHaveLength(1);
      expect(pids.filter(alive)).toEqual([]);
    },
    120_000,
  );

  it(
    'replaces a worker killed with SIGKILL; the server keeps serving across both, and SIGINT stops the replacement too',
    async () => {
      const { proc, ports, pids } = await serveWorkers(['--port', 'off', '--http', 'off', '--irc', '0', '--ftp', 'off']);
      const victim = pids[1] as number;
      process.kill(victim, 'SIGKILL');
      const died = await waitForLog(proc, (l) => l.msg === 'worker died: replacing it');
      expect(died).toMatchObject({ worker: 1, pid: victim, signal: 'SIGKILL' });
      const replaced = await waitForLog(proc, (l) => l.msg === 'worker replaced', START_MS);
      expect(replaced.worker).toBe(1);
      const replacement = replaced.pid as number;
      expect(alive(replacement)).toBe(true);

      const where = await clientsOnBothWorkers(proc, ports.irc as number, 'r');
      await everyoneHearsEveryone([...where.keys()], 'again');

      expect(await proc.stop('SIGINT')).toBe(0);
      expect([pids[0] as number, replacement].filter(alive)).toEqual([]);
    },
    120_000,
  );

  it(
    'passes SIGHUP on to every worker, which reloads its certificate (the primary keeps running)',
    async () => {
      const cert = join(dir, 'cert.pem');
      const key = join(dir, 'key.pem');
      await writeTestCert(cert, key);
      const { proc } = await serveWorkers(['--port', 'off', '--http', 'off', '--irc', 'off', '--ircs', '0', '--ftp', 'off', '--tls-cert', cert, '--tls-key', key]);
      proc.child.kill('SIGHUP');
      await waitForLog(proc, (l) => l.msg === 'tls certificate reloaded' && l.worker === 0);
      await waitForLog(proc, (l) => l.msg === 'tls certificate reloaded' && l.worker === 1);
      expect(proc.child.exitCode).toBeNull();
      expect(await proc.stop('SIGTERM')).toBe(0);
    },
    90_000,
  );

  it(
    'does not start when a worker cannot listen: exit 1 with the reason, no worker left',
    async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      try {
        const port = (blocker.address() as net.AddressInfo).port;
        const database = await pg.newDatabase();
        const proc = new CliProcess(['serve', '--workers', '2', '--database', database, '--redis', redis.url, '--dir', join(dir, 'f'), '--data', join(dir, 'd'), '--log-level', 'info', '--port', 'off', '--http', 'off', '--ftp', 'off', '--irc', String(port)]);
        running.push(proc);
        const code = await withTimeout(new Promise<number | null>((resolve) => proc.child.once('exit', (exitCode) => resolve(exitCode))), START_MS, () => proc.stderr);
        expect(code).toBe(1);
        expect(proc.stderr).toMatch(/irc door could not listen on 127\.0\.0\.1:\d+: the port is in use/u);
        expect(proc.stderr).toMatch(/netroom: worker \d ended during start-up \(exit code 1\)/u);
        expect(proc.lines.some((line) => line.startsWith('workers:'))).toBe(false);
        const forked = logLines(proc).filter((l) => l.msg === 'worker forked');
        expect(forked).toHaveLength(2);
        expect(forked.map((l) => l.pid as number).filter(alive)).toEqual([]);
      } finally {
        blocker.close();
      }
    },
    90_000,
  );

  it('is refused without --redis and --database (exit 2, nothing started)', async () => {
    const result = await runCli(['serve', '--workers', '2', '--dir', join(dir, 'f'), '--data', join(dir, 'd')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--workers 2 runs several processes.*give --redis and --database too/u);
    expect(result.stdout).toBe('');
  });
});

describe('workers: the parts', () => {
  it('replaces a dying worker ever more slowly, then gives the slot up', () => {
    const policy = new RestartPolicy({ firstDelayMs: 500, maxDelayMs: 3_000, windowMs: 60_000, maxFailures: 5 });
    expect([0, 1, 2, 3, 4].map((i) => policy.failed(1_000 + i))).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
    expect(policy.failed(1_010)).toBeNull();
    // Failures older than the window are forgotten: a worker that crashes now and then is always replaced.
    const calm = new RestartPolicy({ firstDelayMs: 500, maxDelayMs: 3_000, windowMs: 60_000, maxFailures: 2 });
    expect([0, 70_000, 140_000, 210_000].map((at) => calm.failed(at))).toEqual([500, 500, 500, 500]);
  });

  it('binds the seed UDP door in a single process and in the first worker only', () => {
    expect(workerIndex({}, false)).toBeNull();
    expect(bindsSeedUdp({}, false)).toBe(true);
    expect(bindsSeedUdp({ NETROOM_WORKER_INDEX: '3' }, false)).toBe(true);
    expect(workerIndex({ NETROOM_WORKER_INDEX: '0' }, true)).toBe(0);
    expect(bindsSeedUdp({ NETROOM_WORKER_INDEX: '0' }, true)).toBe(true);
    expect(bindsSeedUdp({ NETROOM_WORKER_INDEX: '1' }, true)).toBe(false);
    expect(workerIndex({ NETROOM_WORKER_INDEX: 'x' }, true)).toBeNull();
  });

  it('reads only its own messages off the cluster channel', () => {
    expect(asToWorker({ type: 'netroom:stop' })).toEqual({ type: 'netroom:stop' });
    expect(asToWorker({ type: 'netroom:announce', text: 'hi' })).toEqual({ type: 'netroom:announce', text: 'hi' });
    expect(asToWorker({ type: 'netroom:announce', text: 3 })).toBeNull();
    expect(asToWorker({ cmd: 'NODE_CLUSTER' })).toBeNull();
    expect(asToWorker(null)).toBeNull();
    expect(asToPrimary({ type: 'netroom:ready', banner: ['x'], ports: { irc: 1 } })).not.toBeNull();
    expect(asToPrimary({ type: 'netroom:ready', banner: 'x', ports: {} })).toBeNull();
  });
});
