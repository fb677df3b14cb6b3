// `node dist/bench/irc-peers.js`: the shared IRC load generator against netroom, ngIRCd and InspIRCd, runs interleaved, one table of medians.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startInspircd, startNetroom, startNgircd, type IrcServer } from './irc-peer-servers.js';

const { values } = parseArgs({
  options: {
    // The generator the project is compared with (see ../shared/bench/README.md).
    generator: { type: 'string', default: fileURLToPath(new URL('../../../shared/bench/irc-fanout.mjs', import.meta.url)) },
    rounds: { type: 'string', default: '3' },
    cases: { type: 'string', default: '50x200,200x50' },
    // More netroom builds side by side, LABEL=path/to/dist/src/cli/main.js (e.g. before/after a change).
    netroom: { type: 'string', multiple: true },
    'no-peers': { type: 'boolean', default: false },
    // Which peers to start (ngircd, inspircd); both by default.
    peers: { type: 'string', default: 'ngircd,inspircd' },
    json: { type: 'boolean', default: false },
  },
});

interface Run {
  readonly server: string;
  readonly kase: string;
  readonly complete: boolean;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu: number;
  /** Server CPU time per delivery (us): less bent by a busy machine than the rates are. */
  readonly usPerDelivery: number;
  /** How long the generator took to stamp and write its last line: near the whole run when the server keeps up. */
  readonly sendSeconds: number;
  readonly load: number;
  readonly round: number;
}

/** One generator run; its JSON line reduced to the figures of the table. */
function runOnce(generator: string, server: IrcServer, clients: number, messages: number, round: number): Run {
  const args = [generator, '--host', '127.0.0.1', '--port', String(server.port), '--clients', String(clients), '--messages', String(messages)];
  args.push('--channel', '#lobby', '--timeout', '120', '--server-pid', String(server.pid), '--label', server.name, ...server.generatorArgs);
  const load = loadavg()[0] ?? 0;
  let out: string;
  try {
    out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 150_000 });
  } catch (err) {
    // Exit code 2 (incomplete) still prints its JSON line.
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    complete?: boolean;
    deliveries_per_s?: number;
    lat_ms?: { p50?: number; p99?: number };
    cpu_pct?: { server?: number };
    elapsed_s?: number;
    send_s?: number;
    received?: number;
  };
  if (values.json) process.stdout.write(out);
  return {
    server: server.name,
    kase: `${clients}x${messages}`,
    complete: r.complete === true,
    perSecond: r.deliveries_per_s ?? 0,
    p50: r.lat_ms?.p50 ?? NaN,
    p99: r.lat_ms?.p99 ?? NaN,
    cpu: r.cpu_pct?.server ?? NaN,
    // The generator samples the server's CPU over the send phase, about elapsed_s long.
    usPerDelivery: r.received ? (((r.cpu_pct?.server ?? NaN) / 100) * (r.elapsed_s ?? NaN) * 1e6) / r.received : NaN,
    sendSeconds: r.send_s ?? NaN,
    load,
    round,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const m = (x: number): string => `${(x / 1e6).toFixed(2)} M`;
const ms = (x: number): string => `${x.toFixed(0)}`;

function table(runs: Run[], servers: readonly IrcServer[], cases: string[]): string {
  const rows = ['| server | case | runs (complete) | deliveries/s median (min-max) | p50 ms | p99 ms median (min-max) | server CPU % | server CPU us/delivery | load avg |', '|---|---|---|---|---|---|---|---|---|'];
  for (const kase of cases) {
    for (const server of servers) {
      const rs = runs.filter((r) => r.server === server.name && r.kase === kase);
      if (rs.length === 0) continue;
      const per = rs.map((r) => r.perSecond);
      const p99 = rs.map((r) => r.p99);
      rows.push(
        `| ${server.name} | ${kase} | ${rs.length} (${rs.filter((r) => r.complete).length}) | ${m(median(per))} (${m(Math.min(...per))}-${m(Math.max(...per))}) | ` +
          `${ms(median(rs.map((r) => r.p50)))} | ${ms(median(p99))} (${ms(Math.min(...p99))}-${ms(Math.max(...p99))}) | ` +
          `${median(rs.map((r) => r.cpu)).toFixed(0)} | ${median(rs.map((r) => r.usPerDelivery)).toFixed(2)} | ${median(rs.map((r) => r.load)).toFixed(1)} |`,
      );
    }
  }
  return rows.join('\n');
}

/**
 * Each server against the first one (the first --netroom build), run by run within a round: on a
 * busy machine the load moves more between rounds than within one, so the median of these ratios
 * says more than the ratio of the medians.
 */
function pairedTable(runs: Run[], servers: readonly IrcServer[], cases: string[]): string {
  const first = servers[0];
  if (first === undefined || servers.length < 2) return '';
  const rows = [`| server / ${first.name} | case | pairs | deliveries/s ratio median (min-max) | p99 ratio median (min-max) | CPU us/delivery ratio median |`, '|---|---|---|---|---|---|'];
  const span = (xs: number[]): string => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
  for (const kase of cases) {
    const base = new Map(runs.filter((r) => r.server === first.name && r.kase === kase).map((r) => [r.round, r]));
    for (const server of servers.slice(1)) {
      const pairs = runs.filter((r) => r.server === server.name && r.kase === kase && base.has(r.round)).map((r) => [r, base.get(r.round) as Run] as const);
      if (pairs.length === 0) continue;
      rows.push(
        `| ${server.name} | ${kase} | ${pairs.length} | ${span(pairs.map(([r, b]) => r.perSecond / b.perSecond))} | ${span(pairs.map(([r, b]) => r.p99 / b.p99))} | ` +
          `${median(pairs.map(([r, b]) => r.usPerDelivery / b.usPerDelivery)).toFixed(2)} |`,
      );
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const rounds = Number(values.rounds);
  const cases = (values.cases ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  const parsed = cases.map((c) => {
    const match = /^(\d+)x(\d+)$/u.exec(c);
    if (!match) throw new Error(`bad case ${c}: use CLIENTSxMESSAGES`);
    return [Number(match[1]), Number(match[2])] as const;
  });
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be an integer >= 1');
  const work = await mkdtemp(join(tmpdir(), 'netroom-irc-peers-'));
  const servers: IrcServer[] = [];
  try {
    const builds = values.netroom?.length ? values.netroom : [`netroom=${fileURLToPath(new URL('../src/cli/main.js', import.meta.url))}`];
    for (const spec of builds) {
      const eq = spec.indexOf('=');
      if (eq < 1) throw new Error(`--netroom wants LABEL=path/to/main.js, got ${spec}`);
      servers.push(await startNetroom(spec.slice(0, eq), spec.slice(eq + 1), work));
    }
    if (!values['no-peers']) {
      const wanted = new Set((values.peers ?? '').split(',').map((p) => p.trim().toLowerCase()));
      for (const [name, start] of [['ngircd', startNgircd], ['inspircd', startInspircd]] as const) {
        if (!wanted.has(name)) continue;
        const peer = await start(work);
        if (peer) servers.push(peer);
        else process.stderr.write(`irc-peers: ${name} not installed, skipped\n`);
      }
    }
    const runs: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [clients, messages] of parsed) {
        // Rotate who goes first, so no server always runs right after the same neighbour.
        for (let i = 0; i < servers.length; i++) {
          const server = servers[(i + round) % servers.length] as IrcServer;
          const run = runOnce(values.generator ?? '', server, clients, messages, round);
          runs.push(run);
          process.stderr.write(
            `round ${round + 1} ${run.kase} ${run.server}: ${m(run.perSecond)}/s p50 ${ms(run.p50)} p99 ${ms(run.p99)} ms cpu ${run.cpu}% ${run.usPerDelivery.toFixed(2)} us/delivery send ${run.sendSeconds.toFixed(3)} s load ${run.load.toFixed(1)}${run.complete ? '' : ' INCOMPLETE'}\n`,
          );
        }
      }
    }
    process.stdout.write(`${table(runs, servers, cases)}\n`);
    const paired = pairedTable(runs, servers, cases);
    if (paired !== '') process.stdout.write(`\n${paired}\n`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`irc-peers: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
