// `npm run bench`: starts netroom on free ports, runs each load, prints one table. Never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDownload, type DownloadResult } from './seed-download.js';
import { startServer } from './spawn-server.js';
import { fmt, peakRss } from './stats.js';
import { udpFanout, type FanoutResult } from './udp-fanout.js';

const FANOUT_ROUNDS: Array<[number, number]> = [
  [20, 100],
  [50, 50],
];
const DOWNLOAD_SIZE = 256 * 1024 * 1024;
const DOWNLOAD_TRIES = 3;

const { values } = parseArgs({
  options: {
    // Measure another server instead (e.g. the seeds' Python programs, started by hand).
    'udp-target': { type: 'string' },
    'files-target': { type: 'string' },
    'files-name': { type: 'string', default: 'bench-256m.bin' },
    pid: { type: 'string' },
    only: { type: 'string' },
  },
});

interface Row {
  readonly bench: string;
  readonly figures: string;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const only = values.only;
  const externalUdp = values['udp-target'];
  const externalFiles = values['files-target'];
  if (externalUdp || externalFiles) {
    const pid = values.pid ? Number(values.pid) : undefined;
    if (externalUdp) {
      const [host, port] = splitTarget(externalUdp);
      for (const [n, m] of FANOUT_ROUNDS) rows.push(fanoutRow(await udpFanout({ host, port, pid }, n, m)));
    }
    if (externalFiles) {
      const [host, port] = splitTarget(externalFiles);
      rows.push(downloadRow(await bestDownload(host, port, values['files-name'], DOWNLOAD_SIZE), pid));
    }
    print(rows);
    return;
  }

  const dir = await mkdtemp(join(tmpdir(), 'netroom-bench-'));
  const server = await startServer(
    ['--port', '0', '--http', 'off', '--irc', 'off', '--ftp', 'off', '--flood', 'off', '--log-level', 'warn', '--dir', dir],
    ['udp', 'seed-files'],
  );
  try {
    if (!only || only === 'udp') {
      for (const [n, m] of FANOUT_ROUNDS) {
        rows.push(fanoutRow(await udpFanout({ host: '127.0.0.1', port: server.ports.udp!, pid: server.pid }, n, m)));
      }
    }
    if (!only || only === 'files') {
      await writeBigFile(join(dir, 'bench-256m.bin'), DOWNLOAD_SIZE);
      const result = await bestDownload('127.0.0.1', server.ports['seed-files']!, 'bench-256m.bin', DOWNLOAD_SIZE);
      rows.push(downloadRow(result, server.pid));
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  print(rows);
}

function fanoutRow(r: FanoutResult): Row {
  return {
    bench: `udp fan-out ${r.clients}x${r.messages}`,
    figures: [
      `${fmt(r.delivered)}/${fmt(r.expected)} delivered`,
      `${fmt(r.perSecond)} deliveries/s`,
      `p50 ${fmt(r.p50ms, 1)} ms`,
      `p99 ${fmt(r.p99ms, 1)} ms`,
      `server socket drops ${fmt(r.serverDrops)}`,
      `server CPU ${fmt(r.cpuPerDeliveryUs, 2)} us/delivery`,
    ].join(' | '),
  };
}

function downloadRow(r: DownloadResult, pid: number | undefined): Row {
  const rss = pid ? peakRss(pid) : null;
  return {
    bench: `seed-door download ${fmt(r.bytes / 1024 / 1024)} MiB`,
    figures: [
      `${fmt(r.mbPerSecond)} MB/s (data phase, best of ${DOWNLOAD_TRIES})`,
      `${fmt(r.totalSeconds, 2)} s with the protocol's pauses`,
      `server peak RSS ${rss === null ? 'n/a' : `${fmt(rss / 1e6)} MB`}`,
    ].join(' | '),
  };
}

async function bestDownload(host: string, port: number, name: string, size: number): Promise<DownloadResult> {
  let best: DownloadResult | undefined;
  for (let i = 0; i < DOWNLOAD_TRIES; i++) {
    const result = await seedDownload(host, port, name, size);
    if (result.bytes !== size) throw new Error(`downloaded ${result.bytes} bytes, expected ${size}`);
    if (!best || result.mbPerSecond > best.mbPerSecond) best = result;
  }
  return best!;
}

async function writeBigFile(path: string, size: number): Promise<void> {
  const block = randomBytes(1024 * 1024);
  await writeFile(path, block);
  for (let written = block.length; written < size; written += block.length) await appendFile(path, block);
}

function splitTarget(value: string): [string, number] {
  const at = value.lastIndexOf(':');
  const port = Number(value.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) throw new Error(`a target is HOST:PORT, not "${value}"`);
  return [value.slice(0, at).replace(/^\[|\]$/gu, ''), port];
}

function print(rows: Row[]): void {
  const width = Math.max(...rows.map((r) => r.bench.length), 5);
  console.log(`${'bench'.padEnd(width)} | figures`);
  console.log(`${'-'.repeat(width)}-|-${'-'.repeat(60)}`);
  for (const row of rows) console.log(`${row.bench.padEnd(width)} | ${row.figures}`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
