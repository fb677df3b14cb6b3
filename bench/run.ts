// `npm run bench`: starts netroom on free ports, runs each load, prints one table. Never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDownload, type DownloadResult } from './seed-download.js';
import { startServer } from './spawn-server.js';
import { fmt, measureUploads, peakRss, uploadCell } from './stats.js';
import { udpFanout, type FanoutResult } from './udp-fanout.js';
import { benchCert, concurrentGets, curlGet, curlPut, rss } from './http-bench.js';
import { closeAll, enterMembers, wsFanout, type WsFanoutResult } from './ws-fanout.js';
import { deliveryCell } from './deliveries.js';
import { startChild } from './spawn-server.js';
import { ircFanout, ircFanoutFigures } from './irc-fanout.js';
import { concurrentRetr, curlRetr, curlStor } from './ftp-bench.js';
import { roomsFanout, roomsFanoutFigures } from './rooms-fanout.js';
import { caseCell, clusterBench, comparisons, CASES, loggedLines } from './cluster-fanout.js';
import { bundleFigures, firstScreenSize } from './web-bundle.js';
import { webRoomBench, webRoomFigures } from './web-room.js';

const FANOUT_ROUNDS: Array<[number, number]> = [
  [20, 100],
  [50, 50],
];
const DOWNLOAD_SIZE = 256 * 1024 * 1024;
const DOWNLOAD_TRIES = 3;
const WS_MEMBERS = 200;
const WS_MESSAGES = 10;
const HTTP_BIG = 1024 * 1024 * 1024;
/** 1 GiB uploads per door: best and median of these. */
const UPLOAD_TRIES = 3;
const HTTP_SMALL = 10 * 1024 * 1024;
const HTTP_CLIENTS = 300;
const IDLE_MEMBERS = 10_000;
/** Rooms case: 20 rooms of 10, one member in all 20, 50 messages from each room member. */
const ROOMS = { rooms: 20, perRoom: 10, messages: 50 } as const;
/** Issue 13: one room across nodes (cluster-fanout.ts), 200 members split evenly over the nodes, 50 messages each. */
const CLUSTER = { members: 200, messages: 50 } as const;
/** Issue 14: a room of this many messages shown in headless Chromium, median of WEB_TRIES. */
const WEB_MESSAGES = 10_000;
const WEB_TRIES = 3;
const IRC_ROUNDS: Array<[number, number]> = [
  [50, 200],
  [200, 50],
];

const { values } = parseArgs({
  options: {
    // Measure another server instead (e.g. the seeds' Python programs, started by hand).
    'udp-target': { type: 'string' },
    'files-target': { type: 'string' },
    'files-name': { type: 'string', default: 'bench-256m.bin' },
    pid: { type: 'string' },
    only: { type: 'string' },
    // Where the server's library and data live (default: the OS temp dir). A tmpfs such as /dev/shm
    // measures the software path; a disk folder includes the fsync every upload does.
    tmp: { type: 'string' },
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

  const dir = await mkdtemp(join(values.tmp ?? tmpdir(), 'netroom-bench-'));
  const server = await startServer(
    [
      ...['--port', '0', '--http', '0', '--irc', '0', '--ftp', '0', '--flood', 'off', '--log-level', 'warn'],
      ...['--ftp-max-clients', '1000', '--ftp-max-per-ip', '1000', '--dir', dir, '--data', join(dir, '.data')],
    ],
    ['udp', 'seed-files', 'http', 'irc', 'ftp'],
  );
  const http = `http://127.0.0.1:${server.ports.http!}`;
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
    if (!only || only === 'ws') {
      const ws = `ws://127.0.0.1:${server.ports.http!}/ws`;
      rows.push(wsRow('netroom', await wsFanout(ws, WS_MEMBERS, WS_MESSAGES, server.pid)));
      const naive = await startChild('naive-ws-room.js', ['0']);
      try {
        rows.push(wsRow('naive ws room', await wsFanout(`ws://127.0.0.1:${naive.port}/ws`, WS_MEMBERS, WS_MESSAGES, naive.pid)));
      } finally {
        await naive.stop();
      }
    }
    if (!only || only === 'http') {
      await ensureFile(join(dir, 'bench-1g.bin'), HTTP_BIG);
      await ensureFile(join(dir, 'bench-10m.bin'), HTTP_SMALL);
      const got = await curlGet(`${http}/files/bench-1g.bin`);
      rows.push({ bench: 'http GET 1 GiB (curl)', figures: `${fmt(got.mbPerSecond)} MB/s | ${fmt(got.seconds, 2)} s` });
      const put = await measureUploads(server.pid, HTTP_BIG, UPLOAD_TRIES, async () => {
        const t = await curlPut(join(dir, 'bench-1g.bin'), `${http}/files/bench-put.bin`);
        await rm(join(dir, 'bench-put.bin'), { force: true }); // its dirty pages go with it, not into the next try
        return t;
      });
      rows.push({ bench: `http PUT 1 GiB (curl) x${UPLOAD_TRIES}`, figures: uploadCell(put, 'SHA-256 + fsync') });
      // The burst gets a fresh server on the same library, so its peak RSS is the burst's, not the 1 GiB PUT's garbage.
      const fresh = await startServer(
        ['--port', 'off', '--http', '0', '--irc', 'off', '--ftp', 'off', '--log-level', 'warn', '--dir', dir, '--data', join(dir, '.data-burst')],
        ['http'],
      );
      try {
        const idle = rss(fresh.pid);
        const burst = await concurrentGets(`http://127.0.0.1:${fresh.ports.http!}/files/bench-10m.bin`, HTTP_CLIENTS, HTTP_SMALL, fresh.pid);
        rows.push({
          bench: `http ${HTTP_CLIENTS} concurrent GETs of 10 MiB`,
          figures: [
            `${fmt(burst.seconds, 2)} s total`,
            `${burst.failures} failed`,
            `server peak RSS ${burst.peakRssBytes === null ? 'n/a' : `${fmt(burst.peakRssBytes / 1e6)} MB`} (idle ${idle === null ? 'n/a' : `${fmt(idle / 1e6)} MB`})`,
          ].join(' | '),
        });
      } finally {
        await fresh.stop();
      }
    }
    if (!only || only === 'https') {
      // A server of its own with --tls-cert: the same file, the same curl, over TLS (AES-GCM as negotiated by curl and Node).
      await ensureFile(join(dir, 'bench-1g.bin'), HTTP_BIG);
      // Outside the library: the key must not be a served file.
      const certDir = await mkdtemp(join(tmpdir(), 'netroom-bench-tls-'));
      const { cert, key } = await benchCert(certDir);
      const secure = await startServer(
        ['--port', 'off', '--http', '0', '--irc', 'off', '--ircs', 'off', '--ftp', 'off', '--log-level', 'warn', '--dir', dir, '--data', join(dir, '.data-tls'), '--tls-cert', cert, '--tls-key', key],
        ['http'],
      );
      try {
        const got = await curlGet(`https://127.0.0.1:${secure.ports.http!}/files/bench-1g.bin`, ['--cacert', cert]);
        rows.push({ bench: 'https GET 1 GiB (curl)', figures: `${fmt(got.mbPerSecond)} MB/s | ${fmt(got.seconds, 2)} s` });
      } finally {
        await secure.stop();
        await rm(certDir, { recursive: true, force: true });
      }
    }
    if (!only || only === 'irc') {
      for (const [n, m] of IRC_ROUNDS) {
        const result = await ircFanout({ host: '127.0.0.1', port: server.ports.irc!, pid: server.pid }, n, m);
        rows.push({ bench: `irc fan-out ${n}x${m}`, figures: ircFanoutFigures(result) });
      }
    }
    if (!only || only === 'rooms') {
      // 20 rooms of 10 members each and one member in all of them (issue 11): IRC, then WebSocket.
      for (const door of ['irc', 'ws'] as const) {
        const port = door === 'irc' ? server.ports.irc! : server.ports.http!;
        const result = await roomsFanout(door, { host: '127.0.0.1', port, pid: server.pid }, ROOMS.rooms, ROOMS.perRoom, ROOMS.messages);
        rows.push({ bench: `${door} rooms ${ROOMS.rooms}x${ROOMS.perRoom}+1, ${ROOMS.messages} msgs`, figures: roomsFanoutFigures(result) });
      }
    }
    if (!only || only === 'ftp') {
      const ftp = `ftp://127.0.0.1:${server.ports.ftp!}`;
      await ensureFile(join(dir, 'bench-1g.bin'), HTTP_BIG);
      await ensureFile(join(dir, 'bench-10m.bin'), HTTP_SMALL);
      const retr = await curlRetr(`${ftp}/bench-1g.bin`);
      rows.push({ bench: 'ftp RETR 1 GiB (curl)', figures: `${fmt(retr.mbPerSecond)} MB/s | ${fmt(retr.seconds, 2)} s` });
      const stor = await measureUploads(server.pid, HTTP_BIG, UPLOAD_TRIES, async () => {
        const t = await curlStor(join(dir, 'bench-1g.bin'), `${ftp}/bench-ftp-put.bin`);
        await rm(join(dir, 'bench-ftp-put.bin'), { force: true });
        return t;
      });
      rows.push({ bench: `ftp STOR 1 GiB (curl) x${UPLOAD_TRIES}`, figures: uploadCell(stor, 'SHA-256 + fsync') });
      const burst = await concurrentRetr({ pid: server.pid, port: server.ports.ftp!, forking: false }, '/bench-10m.bin', HTTP_CLIENTS, HTTP_SMALL);
      rows.push({
        bench: `ftp ${HTTP_CLIENTS} concurrent RETRs of 10 MiB`,
        figures: `${fmt(burst.seconds, 2)} s total | ${burst.failures} failed | server peak RSS ${burst.peakRssBytes === null ? 'n/a' : `${fmt(burst.peakRssBytes / 1e6)} MB`}`,
      });
    }
    if (!only || only === 'web') {
      // The web UI (issue 14): the first screen's compressed size, and a long room in Chromium.
      rows.push({ bench: 'web first screen (index.html JS + CSS)', figures: bundleFigures(await firstScreenSize()) });
      // A server of its own (HTTP only, no flood limit): the room's history is the only one there.
      const web = await startServer(
        ['--port', 'off', '--http', '0', '--irc', 'off', '--ftp', 'off', '--flood', 'off', '--log-level', 'warn', '--dir', dir, '--data', join(dir, '.data-web')],
        ['http'],
      );
      try {
        const room = await webRoomBench(`http://127.0.0.1:${web.ports.http!}/`, WEB_MESSAGES, WEB_TRIES);
        rows.push({ bench: `web room of ${fmt(WEB_MESSAGES)} messages (Chromium)`, figures: webRoomFigures(room) });
      } finally {
        await web.stop();
      }
    }
    if (!only || only === 'idle') {
      rows.push(await idleRow('netroom', `ws://127.0.0.1:${server.ports.http!}/ws`, server.pid));
      const naive = await startChild('naive-ws-room.js', ['0']);
      try {
        rows.push(await idleRow('naive ws room', `ws://127.0.0.1:${naive.port}/ws`, naive.pid));
      } finally {
        await naive.stop();
      }
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  if (!only || only === 'cluster') {
    // After the single server stopped: these cases start their own nodes, Redis and PostgreSQL.
    const outcomes = await clusterBench({ ...CLUSTER, cases: CASES });
    for (const o of outcomes) {
      rows.push({ bench: `cluster ws fan-out ${CLUSTER.members}x${CLUSTER.messages} (${o.title})`, figures: caseCell(o) });
      for (const line of loggedLines(o)) rows.push({ bench: '  its servers logged', figures: line });
    }
    for (const line of comparisons(outcomes)) rows.push({ bench: 'cluster ws fan-out, compared', figures: line });
  }
  print(rows);
}

function fanoutRow(r: FanoutResult): Row {
  return {
    bench: `udp fan-out ${r.clients}x${r.messages}`,
    figures: deliveryCell(r, [`server socket drops ${fmt(r.serverDrops)}`], 2),
  };
}

function wsRow(who: string, r: WsFanoutResult): Row {
  return {
    bench: `ws fan-out ${r.members}x${r.messages} (${who})`,
    figures: deliveryCell(r, [], 2),
  };
}

async function idleRow(who: string, url: string, pid: number): Promise<Row> {
  const before = rss(pid);
  const sockets = await enterMembers(url, IDLE_MEMBERS, `i${Date.now().toString(36).slice(-4)}m`);
  // Let the server settle (timers, lazily grown buffers) before reading its memory.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = rss(pid);
  await closeAll(sockets);
  const each = before === null || after === null ? null : (after - before) / IDLE_MEMBERS / 1024;
  return { bench: `${fmt(IDLE_MEMBERS)} idle ws members (${who})`, figures: `${fmt(each, 1)} KB of server RSS each` };
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

async function ensureFile(path: string, size: number): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing?.size !== size) await writeBigFile(path, size);
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
