// `npm run fuzz`: a long fuzz run through real sockets against `netroom serve`, door by door; prints one table.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rss } from '../http-bench.js';
import { startServer, type ServerChild } from '../spawn-server.js';
import { fmt, udpDrops } from '../stats.js';
import { drivers } from './drivers.js';
import { Rng } from './mutate.js';
import { DOORS, probeAll, type DoorName, type Ports } from './probes.js';

const { values } = parseArgs({
  options: {
    // The issue's target: at least 1,000,000 inputs per door with 0 crashes and bounded memory.
    'per-door': { type: 'string', default: '1000000' },
    // Cap per door, whatever --per-door says: the run always ends by itself.
    seconds: { type: 'string', default: '1800' },
    only: { type: 'string' },
    seed: { type: 'string' },
    // Inputs between two rounds of health probes, and the connections (sockets) a batch is spread over.
    batch: { type: 'string', default: '2000' },
    parallel: { type: 'string', default: '4' },
    'probe-ms': { type: 'string', default: '5000' },
    // Where the server's library and data live; /dev/shm by default, so uploads' fsyncs do not load a shared disk.
    tmp: { type: 'string' },
    // Extra `netroom serve` flags (repeat the option), e.g. --serve-arg=--max-upload --serve-arg=1M.
    'serve-arg': { type: 'string', multiple: true, default: [] },
  },
});

/** A positive whole number from a flag, or exit with a clear message. */
function count(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`npm run fuzz: --${name} must be a whole number above 0, not ${String(text)}`);
    process.exit(2);
  }
  return n;
}

/** One row of the closing table. */
interface Row {
  door: DoorName;
  sent: number;
  batches: number;
  connections: number;
  cut: number;
  received: number;
  /** UDP only: datagrams the kernel dropped at the server's socket (a burst beyond its buffer): sent, not fuzzed. */
  dropped: number | null;
  /** Time spent in health probes (included in `seconds` and so in inputs/s). */
  probeSeconds: number;
  /** Batches in a row in which no input reached the door (every connection closed early): the run is not fuzzing then. */
  empty: number;
  crashes: number;
  hangs: number;
  /** Doors that missed a probe, with how often (a hang of any door while this one was fuzzed). */
  silent: Map<DoorName, number>;
  rssBefore: number | null;
  rssAfter: number | null;
  rssPeak: number | null;
  seconds: number;
}

const perDoor = count('per-door', values['per-door']);
const capMs = count('seconds', values.seconds) * 1000;
const batch = count('batch', values.batch);
const parallel = count('parallel', values.parallel);
const probeMs = count('probe-ms', values['probe-ms']);
const seed = values.seed === undefined ? Date.now() >>> 0 : count('seed', values.seed);
const only = values.only;
if (only !== undefined && !(DOORS as readonly string[]).includes(only)) {
  console.error(`npm run fuzz: --only takes one of ${DOORS.join(', ')}`);
  process.exit(2);
}
const doors = only === undefined ? [...DOORS] : [only as DoorName];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function start(dir: string, n: number): Promise<{ server: ServerChild; ports: Ports }> {
  const args = [
    ...['--port', '0', '--http', '0', '--irc', '0', '--ftp', '0', '--host', '127.0.0.1', '--flood', 'off', '--log-level', 'error'],
    ...['--leave-grace', '0', '--ftp-anonymous', 'write', '--dir', join(dir, `files-${n}`), '--data', join(dir, `data-${n}`)],
    ...(values['serve-arg'] ?? []),
  ];
  const server = await startServer(args, ['udp', 'seed-files', 'http', 'irc', 'ftp']);
  const p = server.ports;
  return { server, ports: { udp: p.udp!, seed: p['seed-files']!, irc: p.irc!, ftp: p.ftp!, http: p.http! } };
}

async function fuzzDoor(door: DoorName, server: ServerChild, ports: Ports, rng: Rng): Promise<Row> {
  const drive = drivers(ports, parallel)[door];
  const row: Row = { door, sent: 0, batches: 0, connections: 0, cut: 0, received: 0, probeSeconds: 0, dropped: null, empty: 0, crashes: 0, hangs: 0, silent: new Map(), rssBefore: rss(server.pid), rssAfter: null, rssPeak: null, seconds: 0 };
  row.rssPeak = row.rssBefore;
  const dropsBefore = door === 'udp' ? udpDrops(ports.udp) : null;
  const began = performance.now();
  let lastReport = began;
  while (row.sent < perDoor && performance.now() - began < capMs) {
    const n = Math.min(batch, perDoor - row.sent);
    const result = await drive(rng, n);
    row.sent += result.sent;
    row.batches += 1;
    row.connections += result.connections;
    row.cut += result.cut;
    row.received += result.received;
    row.empty = result.sent === 0 ? row.empty + 1 : 0;
    if (row.empty >= 10) {
      console.error(`fuzz ${door}: 10 batches in a row reached nothing (every connection closed before its inputs were read): stopping this door`);
      break;
    }
    if (!alive(server.pid)) {
      row.crashes += 1;
      console.error(`fuzz ${door}: the server exited during batch ${row.batches} (seed ${seed})`);
      break;
    }
    const probing = performance.now();
    const silent = await probeAll(ports, probeMs);
    row.probeSeconds += (performance.now() - probing) / 1000;
    if (silent.length > 0) {
      row.hangs += 1;
      for (const d of silent) row.silent.set(d, (row.silent.get(d) ?? 0) + 1);
      console.error(`fuzz ${door}: no answer within ${probeMs} ms from ${silent.join(', ')} after batch ${row.batches} (seed ${seed})`);
    }
    const now = rss(server.pid);
    if (now !== null) row.rssPeak = Math.max(row.rssPeak ?? 0, now);
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      console.error(`fuzz ${door}: ${fmt(row.sent)} inputs, ${fmt(row.sent / ((lastReport - began) / 1000))}/s, RSS ${mb(now)}`);
    }
  }
  row.seconds = (performance.now() - began) / 1000;
  row.rssAfter = rss(server.pid);
  const dropsAfter = door === 'udp' ? udpDrops(ports.udp) : null;
  if (dropsBefore !== null && dropsAfter !== null) row.dropped = dropsAfter - dropsBefore;
  return row;
}

function mb(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${fmt(bytes / 1e6)} MB`;
}

function printTable(rows: Row[]): void {
  const head = ['door', 'inputs sent', 'inputs/s', 'connections (cut)', 'bytes back', 'crashes', 'hangs', 'RSS before', 'RSS after', 'RSS peak', 'duration (probes)'];
  const body = rows.map((r) => [
    r.door,
    fmt(r.sent),
    fmt(r.sent / Math.max(r.seconds, 0.001)),
    `${fmt(r.connections)} (${fmt(r.cut)})${r.dropped === null ? '' : `, ${fmt(r.dropped)} dropped`}`,
    r.received < 1e6 ? `${fmt(r.received / 1e3)} kB` : mb(r.received),
    String(r.crashes),
    r.hangs === 0 ? '0' : `${r.hangs} (${[...r.silent].map(([d, k]) => `${d} x${k}`).join(', ')})`,
    mb(r.rssBefore),
    mb(r.rssAfter),
    mb(r.rssPeak),
    `${fmt(r.seconds, 1)} s (${fmt(r.probeSeconds, 1)} s)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const cells of body) console.log(line(cells));
}

async function main(): Promise<void> {
  const base = values.tmp ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const dir = await mkdtemp(join(base, 'netroom-fuzz-'));
  const rng = new Rng(seed);
  console.error(`npm run fuzz: seed ${seed}, ${fmt(perDoor)} inputs per door (at most ${fmt(capMs / 1000)} s each), batches of ${fmt(batch)}, doors ${doors.join(', ')}`);
  const rows: Row[] = [];
  let restarts = 0;
  let { server, ports } = await start(dir, restarts);
  // Ctrl-C (or a SIGTERM) ends the run, not the server we started: stop it and take its folder away first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`npm run fuzz: ${signal}: stopping the server`);
      printTable(rows);
      void server
        .stop()
        .catch(() => undefined)
        .then(() => rm(dir, { recursive: true, force: true }))
        .finally(() => process.exit(130));
    });
  }
  try {
    const broken = await probeAll(ports, probeMs);
    if (broken.length > 0) throw new Error(`the fresh server does not answer on ${broken.join(', ')}: nothing to fuzz`);
    for (const door of doors) {
      const row = await fuzzDoor(door, server, ports, rng);
      rows.push(row);
      if (row.crashes > 0) {
        await server.stop().catch(() => undefined);
        ({ server, ports } = await start(dir, ++restarts));
      }
    }
  } finally {
    await server.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  printTable(rows);
  const total = rows.reduce((sum, r) => sum + r.crashes + r.hangs, 0);
  console.log(`seed ${seed}: replay with --seed ${seed} (and the same --batch, --parallel, --per-door); ${total === 0 ? 'no crash, no hang' : `${total} crash(es)/hang(s)`}`);
  process.exitCode = total === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
