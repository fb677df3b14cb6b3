// FTP loads: 1 GiB RETR and STOR with curl, 300 concurrent 10 MiB downloads, side by side with vsftpd and proftpd; FTPS RETR (--ftps).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { appendFile, chmod, link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startNetroomFtp, startProftpd, startVsftpd, proftpdBinary, vsftpdBinary, type BenchCert, type FtpServer } from './ftp-peers.js';
import { resetPeakRss } from './http-bench.js';
import { fmt, peakRss } from './stats.js';

const run = promisify(execFile);

/** One curl transfer: bytes, seconds, MB/s. */
export interface Transfer {
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
}

/** RETR `url` with curl (passive, binary) into /dev/null; `extra` adds curl options (FTPS: --ssl-reqd --cacert). */
export async function curlRetr(url: string, extra: readonly string[] = []): Promise<Transfer> {
  const { stdout } = await run('curl', ['-sS', '--fail', ...extra, '-o', '/dev/null', '-w', '%{size_download} %{time_total}', url], { timeout: 300_000 });
  return transfer(stdout);
}

/** STOR `file` to `url` with curl. */
export async function curlStor(file: string, url: string): Promise<Transfer> {
  const { stdout } = await run('curl', ['-sS', '--fail', '-T', file, '-o', '/dev/null', '-w', '%{size_upload} %{time_total}', url], { timeout: 300_000 });
  return transfer(stdout);
}

function transfer(stdout: string): Transfer {
  const [bytes, seconds] = stdout.trim().split(' ').map(Number) as [number, number];
  return { bytes, seconds, mbPerSecond: bytes / 1e6 / seconds };
}

/** What a burst of concurrent downloads measured. */
export interface BurstResult {
  readonly clients: number;
  readonly failures: number;
  readonly seconds: number;
  /** Peak resident memory of the server: VmHWM of one process, or the sampled sum over a forking server's processes. */
  readonly peakRssBytes: number | null;
}

/** `clients` FTP sessions at once, each logging in and downloading `path` (EPSV, TYPE I) to the end. */
export async function concurrentRetr(server: Pick<FtpServer, 'pid' | 'port' | 'forking'>, path: string, clients: number, size: number): Promise<BurstResult> {
  const sampler = server.forking ? new GroupRss(server.pid) : null;
  if (!server.forking) resetPeakRss(server.pid);
  const started = process.hrtime.bigint();
  const outcomes = await Promise.all(Array.from({ length: clients }, () => oneRetr(server.port, path, size).catch(() => false)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peak = sampler === null ? peakRss(server.pid) : sampler.stop();
  return { clients, failures: outcomes.filter((ok) => !ok).length, seconds, peakRssBytes: peak };
}

/** A minimal FTP download: login, TYPE I, EPSV, RETR, count bytes, QUIT. True when every byte arrived. */
async function oneRetr(port: number, path: string, size: number): Promise<boolean> {
  const control = net.connect({ host: '127.0.0.1', port });
  control.on('error', () => undefined);
  const replies = new ReplyReader(control);
  try {
    await replies.expect(220);
    control.write('USER anonymous\r\n');
    if ((await replies.next()) === 331) {
      control.write('PASS bench@example.com\r\n');
      await replies.expect(230);
    }
    control.write('TYPE I\r\n');
    await replies.expect(200);
    control.write('EPSV\r\n');
    const dataPort = Number(/\|\|\|(\d+)\|/u.exec(await replies.text(229))?.[1]);
    const data = net.connect({ host: '127.0.0.1', port: dataPort });
    data.on('error', () => undefined);
    await once(data, 'connect');
    let bytes = 0;
    data.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const closed = once(data, 'close');
    control.write(`RETR ${path}\r\n`);
    const first = await replies.next();
    if (first !== 150 && first !== 125) return false;
    await closed;
    await replies.expect(226);
    control.write('QUIT\r\n');
    return bytes === size;
  } finally {
    control.destroy();
  }
}

/** Reads FTP reply codes (multi-line replies folded) from a control socket. */
class ReplyReader {
  private buffer = '';
  private readonly queue: Array<{ code: number; text: string }> = [];
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.setTimeout(120_000, () => socket.destroy());
    socket.on('data', (text: string) => {
      this.buffer += text;
      let at: number;
      while ((at = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        const match = /^(\d{3}) /u.exec(line);
        if (match) this.queue.push({ code: Number(match[1]), text: line });
      }
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  async next(): Promise<number> {
    return (await this.take()).code;
  }

  async expect(code: number): Promise<void> {
    const got = await this.next();
    if (got !== code) throw new Error(`expected ${code}, got ${got}`);
  }

  async text(code: number): Promise<string> {
    const reply = await this.take();
    if (reply.code !== code) throw new Error(`expected ${code}, got ${reply.code}`);
    return reply.text;
  }

  private async take(): Promise<{ code: number; text: string }> {
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('connection closed');
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.queue.shift()!;
  }
}

/** Samples the summed RSS of a process group every 50 ms (forking servers: one process per client). */
class GroupRss {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pgid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    let total = 0;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/u.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== this.pgid) continue; // field 5 of stat: process group
        total += Number(fields[21]) * 4096; // field 24: rss in pages
      } catch {
        // gone meanwhile
      }
    }
    this.peak = Math.max(this.peak, total);
  }
}

/** One server's figures. */
export interface FtpFigures {
  readonly server: string;
  readonly retr: Transfer;
  readonly stor: Transfer;
  readonly burst: BurstResult;
}

/** Sizes and counts of the FTP loads; the issue's are the defaults. */
export interface FtpBenchOptions {
  readonly bigBytes?: number;
  readonly smallBytes?: number;
  readonly clients?: number;
  readonly tries?: number;
  /** Which servers; default netroom plus vsftpd and proftpd where installed. */
  readonly servers?: ReadonlyArray<'netroom' | 'vsftpd' | 'proftpd'>;
}

/** Run the FTP loads against each server (best of `tries` for the single transfers). */
export async function ftpBench(options: FtpBenchOptions = {}): Promise<FtpFigures[]> {
  const big = options.bigBytes ?? 1024 * 1024 * 1024;
  const small = options.smallBytes ?? 10 * 1024 * 1024;
  const clients = options.clients ?? 300;
  const tries = options.tries ?? 3;
  const results: FtpFigures[] = [];
  const servers = options.servers ?? (['netroom', ...(vsftpdBinary() ? ['vsftpd'] : []), ...(proftpdBinary() ? ['proftpd'] : [])] as const);
  const work = await mkdtemp(join(tmpdir(), 'netroom-ftp-bench-'));
  await chmod(work, 0o755); // vsftpd and proftpd serve anonymous sessions as the `ftp` user
  const started: FtpServer[] = [];
  try {
    const bigFile = join(work, 'bench-1g.bin');
    const smallFile = join(work, 'bench-10m.bin');
    await writeRandomFile(bigFile, big);
    await writeRandomFile(smallFile, small);
    for (const which of servers) {
      const server = which === 'netroom' ? await startNetroomFtp(await made(join(work, 'netroom-root'))) : which === 'vsftpd' ? await startVsftpd(work) : await startProftpd(work);
      started.push(server);
      await link(bigFile, join(server.root, 'bench-1g.bin'));
      await link(smallFile, join(server.root, 'bench-10m.bin'));
    }
    // Round-robin, so a machine busy with something else slows every server alike; best of `tries` each.
    const retr = new Map<FtpServer, Transfer>();
    const stor = new Map<FtpServer, Transfer>();
    for (let i = 0; i < tries; i++) {
      for (const server of started) keepBest(retr, server, await curlRetr(`${urlOf(server)}bench-1g.bin`));
    }
    for (let i = 0; i < tries; i++) {
      for (const server of started) {
        keepBest(stor, server, await curlStor(bigFile, `${urlOf(server)}${server.uploadPrefix}bench-put.bin`));
        await rm(join(server.root, server.uploadPrefix, 'bench-put.bin'), { force: true }); // its dirty pages go with it
      }
    }
    for (const server of started) {
      const burst = await concurrentRetr(server, 'bench-10m.bin', clients, small);
      results.push({ server: server.name, retr: retr.get(server)!, stor: stor.get(server)!, burst });
    }
  } finally {
    for (const server of started) await server.stop();
    await rm(work, { recursive: true, force: true });
  }
  return results;
}

/** Rows for bench/run.ts's table, one per figure. */
export function ftpRows(figures: readonly FtpFigures[], clients = 300): Array<{ bench: string; figures: string }> {
  return figures.flatMap((f) => [
    { bench: `ftp RETR 1 GiB (curl, ${f.server})`, figures: `${fmt(f.retr.mbPerSecond)} MB/s | ${fmt(f.retr.seconds, 2)} s` },
    { bench: `ftp STOR 1 GiB (curl, ${f.server})`, figures: `${fmt(f.stor.mbPerSecond)} MB/s | ${fmt(f.stor.seconds, 2)} s` },
    {
      bench: `ftp ${clients} concurrent RETR 10 MiB (${f.server})`,
      figures: `${fmt(f.burst.seconds, 2)} s total | ${f.burst.failures} failed | server peak RSS ${f.burst.peakRssBytes === null ? 'n/a' : `${fmt(f.burst.peakRssBytes / 1e6)} MB`}`,
    },
  ]);
}

/** The side-by-side table: one row per server, netroom's ratio to the others below. */
export function ftpTable(figures: readonly FtpFigures[]): string {
  const lines = ['| server | RETR 1 GiB MB/s | STOR 1 GiB MB/s | 300 x 10 MiB: s | failed | peak RSS MB |', '|---|---|---|---|---|---|'];
  for (const f of figures) {
    const rss = f.burst.peakRssBytes === null ? 'n/a' : fmt(f.burst.peakRssBytes / 1e6);
    lines.push(`| ${f.server} | ${fmt(f.retr.mbPerSecond)} | ${fmt(f.stor.mbPerSecond)} | ${fmt(f.burst.seconds, 2)} | ${f.burst.failures} | ${rss} |`);
  }
  const ours = figures.find((f) => f.server === 'netroom');
  for (const other of figures) {
    if (ours === undefined || other === ours) continue;
    const r = (a: number, b: number): string => `${fmt(a / b, 2)}x`;
    lines.push(
      `| netroom / ${other.server} | ${r(ours.retr.mbPerSecond, other.retr.mbPerSecond)} | ${r(ours.stor.mbPerSecond, other.stor.mbPerSecond)} | ${r(other.burst.seconds, ours.burst.seconds)} (speed) | | |`,
    );
  }
  return lines.join('\n');
}

function keepBest(best: Map<FtpServer, Transfer>, server: FtpServer, t: Transfer): void {
  const top = best.get(server);
  if (top === undefined || t.mbPerSecond > top.mbPerSecond) best.set(server, t);
}

function urlOf(server: FtpServer): string {
  return `ftp://127.0.0.1:${server.port}/`;
}

async function made(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const block = randomBytes(Math.min(size, 1024 * 1024));
  await writeFile(path, block);
  for (let written = block.length; written < size; written += block.length) await appendFile(path, block.subarray(0, Math.min(block.length, size - written)));
}

/**
 * FTPS RETR of `bytes` with curl (--ssl-reqd: AUTH TLS, PROT P, the data connection resuming the
 * session), netroom against vsftpd with ssl_enable=YES on the same self-signed certificate; best of `tries`.
 */
export async function ftpsBench(options: { bytes?: number; tries?: number } = {}): Promise<Array<{ server: string; retr: Transfer }>> {
  const size = options.bytes ?? 1024 * 1024 * 1024;
  const tries = options.tries ?? 3;
  const work = await mkdtemp(join(tmpdir(), 'netroom-ftps-bench-'));
  await chmod(work, 0o755);
  const started: FtpServer[] = [];
  try {
    const cert: BenchCert = { certFile: join(work, 'cert.pem'), keyFile: join(work, 'key.pem') };
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', cert.keyFile, '-out', cert.certFile]);
    await chmod(cert.keyFile, 0o600);
    const file = join(work, 'bench-1g.bin');
    await writeRandomFile(file, size);
    started.push(await startNetroomFtp(await made(join(work, 'netroom-root')), cert));
    if (vsftpdBinary()) started.push(await startVsftpd(work, cert));
    for (const server of started) await link(file, join(server.root, 'bench-1g.bin'));
    const best = new Map<FtpServer, Transfer>();
    for (let i = 0; i < tries; i++) {
      for (const server of started) keepBest(best, server, await curlRetr(`${urlOf(server)}bench-1g.bin`, ['--ssl-reqd', '--cacert', cert.certFile]));
    }
    return started.map((server) => ({ server: server.name, retr: best.get(server)! }));
  } finally {
    for (const server of started) await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** `--serve ROOT [--tls CERT KEY]`: the FtpDoor alone on 127.0.0.1, limits raised for the burst; prints "listening PORT". */
async function serve(root: string, tls: BenchCert | null): Promise<void> {
  await import('../src/cli/gc.js'); // the GC setting the netroom command runs with
  const { Library } = await import('../src/core/library.js');
  const { Chat } = await import('../src/core/chat/chat.js');
  const { FtpDoor } = await import('../src/doors/ftp/door.js');
  const { silentLogger } = await import('../src/log.js');
  const library = new Library(root);
  await library.init();
  const pem = tls === null ? null : { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') };
  const context = pem === null ? null : createSecureContext(pem);
  // A certificate that never reloads: the bench runs for a minute.
  const source = context === null || pem === null ? null : { current: () => context, pem: () => pem, onReload: () => () => undefined };
  const door = new FtpDoor(
    { chat: new Chat({ flood: null }), library, lang: 'en', log: silentLogger() },
    { host: '127.0.0.1', port: 0, maxClients: 2000, maxPerIp: 2000, ...(source === null ? {} : { tls: source }) },
  );
  await door.listen();
  console.log(`listening ${door.address().port}`);
  process.once('SIGTERM', () => void door.close().then(() => process.exit(0)));
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--serve');
  const tlsAt = process.argv.indexOf('--tls');
  const tls = tlsAt >= 0 ? { certFile: process.argv[tlsAt + 1] ?? '', keyFile: process.argv[tlsAt + 2] ?? '' } : null;
  if (at >= 0) return serve(process.argv[at + 1] ?? '.', tls);
  if (process.argv.includes('--ftps')) {
    const rows = await ftpsBench();
    for (const row of rows) console.log(`| ftps RETR 1 GiB (curl --ssl-reqd, ${row.server}) | ${fmt(row.retr.mbPerSecond)} MB/s | ${fmt(row.retr.seconds, 2)} s |`);
    const [ours, vsftpd] = rows;
    if (ours !== undefined && vsftpd !== undefined) console.log(`| netroom / vsftpd | ${fmt(ours.retr.mbPerSecond / vsftpd.retr.mbPerSecond, 2)}x | |`);
    return;
  }
  const figures = await ftpBench();
  console.log(ftpTable(figures));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`ftp-bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
