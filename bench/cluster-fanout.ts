// Issue 13's bench: one room's WebSocket fan-out on one netroom node, two nodes, --workers 2, and socket.io + Redis adapter on two nodes.
// Alone: node dist/bench/cluster-fanout.js [--members 200] [--messages 50] [--only one,one-pg,two,workers,socketio]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { postgresPid, redisPid, startPostgres, startRedis, treeCpuMicros, type TestPostgres } from './cluster-engines.js';
import { clusterFanout, type ClusterLoadResult, type Endpoint } from './cluster-load.js';
import { startNetroomNode, startSocketIoNode, type BenchNode } from './cluster-nodes.js';
import { fmt } from './stats.js';

export const CASES = ['one', 'one-pg', 'two', 'workers', 'socketio'] as const;
export type CaseName = (typeof CASES)[number];

const TITLES: Record<CaseName, string> = {
  one: 'netroom, 1 node, memory + SQLite',
  'one-pg': 'netroom, 1 node, Redis + PostgreSQL',
  two: 'netroom, 2 nodes, Redis + PostgreSQL',
  workers: 'netroom, --workers 2, Redis + PostgreSQL',
  socketio: 'socket.io 4.8 + redis-adapter 8.3, 2 nodes',
};

/** One case's outcome: its figures, or why there are none. */
export interface CaseOutcome {
  readonly name: CaseName;
  readonly title: string;
  readonly result?: ClusterLoadResult;
  readonly missing?: string;
  /** What the servers logged at warning level or above, counted by message (e.g. why deliveries were lost). */
  readonly logged: readonly [string, number][];
}

export interface ClusterBenchOptions {
  readonly members: number;
  readonly messages: number;
  readonly cases: readonly CaseName[];
}

/** Start what a case needs, run the load once, stop it all (by PID), whatever happened. */
async function runCase(name: CaseName, options: ClusterBenchOptions, top: string, postgres: () => Promise<TestPostgres>): Promise<CaseOutcome> {
  const title = TITLES[name];
  const nodes: BenchNode[] = [];
  const redis = name === 'one' ? null : await startRedis();
  try {
    const database = name === 'one' || name === 'socketio' ? undefined : await (await postgres()).newDatabase();
    const enginePids: number[] = [];
    if (redis) enginePids.push(await redisPid(redis.port));
    if (database) enginePids.push(await postgresPid(database));
    const dir = join(top, name, 'library');
    const data = (i: number): string => join(top, name, `data-${i}`);
    const engines = { database, redis: redis?.url };
    if (name === 'one') nodes.push(await startNetroomNode({ dir, data: data(1) }));
    else if (name === 'one-pg') nodes.push(await startNetroomNode({ dir, data: data(1), ...engines }));
    else if (name === 'two') for (const i of [1, 2]) nodes.push(await startNetroomNode({ dir, data: data(i), ...engines }));
    else if (name === 'socketio') for (let i = 0; i < 2; i++) nodes.push(await startSocketIoNode(redis!.url));
    else {
      try {
        nodes.push(await startNetroomNode({ dir, data: data(1), ...engines, workers: 2 }));
      } catch (err) {
        return { name, title, missing: `n/a (not built: ${err instanceof Error ? err.message : String(err)})`, logged: [] };
      }
    }
    const endpoints: Endpoint[] = nodes.map((n) => ({ kind: name === 'socketio' ? 'socketio' : 'netroom', url: n.url }));
    const serverPids = nodes.map((n) => n.pid);
    const result = await clusterFanout(endpoints, options.members, options.messages, {
      server: () => treeCpuMicros(serverPids),
      engines: () => (enginePids.length === 0 ? null : treeCpuMicros(enginePids)),
    });
    return { name, title, result, logged: loggedOf(nodes) };
  } catch (err) {
    return { name, title, missing: `failed: ${err instanceof Error ? err.message : String(err)}`, logged: loggedOf(nodes) };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  }
}

/** The nodes' log counts added up, most frequent first. */
function loggedOf(nodes: readonly BenchNode[]): [string, number][] {
  const total = new Map<string, number>();
  for (const node of nodes) for (const [key, n] of node.logged) total.set(key, (total.get(key) ?? 0) + n);
  return [...total].sort((a, b) => b[1] - a[1]);
}

/** What a case's servers logged, one line per message: `N x message`. */
export function loggedLines(o: CaseOutcome, limit = 5): string[] {
  return o.logged.slice(0, limit).map(([key, n]) => `${fmt(n)} x ${key}`);
}

/** Run the cases in order, on one PostgreSQL (started only when a case needs it) and a fresh Redis per case. */
export async function clusterBench(options: ClusterBenchOptions): Promise<CaseOutcome[]> {
  const top = await mkdtemp(join(tmpdir(), 'netroom-cluster-bench-'));
  let pg: Promise<TestPostgres> | null = null;
  const postgres = (): Promise<TestPostgres> => (pg ??= startPostgres());
  const outcomes: CaseOutcome[] = [];
  try {
    for (const name of options.cases) outcomes.push(await runCase(name, options, top, postgres));
  } finally {
    if (pg) await (await (pg as Promise<TestPostgres>).catch(() => null))?.stop();
    await rm(top, { recursive: true, force: true });
  }
  return outcomes;
}

function perDelivery(cpu: number | null, r: ClusterLoadResult): string {
  return cpu === null || r.delivered === 0 ? 'n/a' : fmt(cpu / r.delivered, 2);
}

/** One case as a cell of `npm run bench`'s table. */
export function caseCell(o: CaseOutcome): string {
  const r = o.result;
  if (!r) return o.missing ?? 'n/a';
  return [
    `${fmt(r.delivered)}/${fmt(r.expected)} delivered`,
    `lost ${fmt(r.lost)}`,
    ...(r.duplicates > 0 ? [`${fmt(r.duplicates)} duplicates`] : []),
    ...(r.disconnected > 0 ? [`${r.disconnected} disconnected`] : []),
    `${fmt(r.perSecond)} deliveries/s`,
    `p50 ${fmt(r.p50ms, 1)} ms`,
    `p99 ${fmt(r.p99ms, 1)} ms`,
    `server CPU ${perDelivery(r.serverCpuUs, r)} us/delivery`,
    `engines CPU ${perDelivery(r.engineCpuUs, r)} us/delivery`,
    `generator CPU ${perDelivery(r.generatorCpuUs, r)} us/delivery`,
  ].join(' | ');
}

/** The issue's two comparisons, when both sides ran: netroom's two nodes against socket.io's, and the engines' cost on one node. */
export function comparisons(outcomes: readonly CaseOutcome[]): string[] {
  const of = (name: CaseName): ClusterLoadResult | undefined => outcomes.find((o) => o.name === name)?.result;
  const lines: string[] = [];
  const two = of('two');
  const sio = of('socketio');
  if (two && sio) {
    const cpu = two.serverCpuUs !== null && sio.serverCpuUs !== null && two.delivered > 0 && sio.delivered > 0 ? (sio.serverCpuUs / sio.delivered) / (two.serverCpuUs / two.delivered) : null;
    lines.push(`netroom 2 nodes / socket.io 2 nodes: ${fmt(two.perSecond / sio.perSecond, 2)}x deliveries/s, ${fmt(cpu, 2)}x less server CPU per delivery (target >= 2x deliveries/s, 0 lost)`);
  }
  const one = of('one');
  const onePg = of('one-pg');
  if (one && onePg) {
    const cpuOne = one.serverCpuUs === null ? null : one.serverCpuUs / one.delivered;
    const cpuPg = onePg.serverCpuUs === null ? null : onePg.serverCpuUs / onePg.delivered;
    const cpuChange = cpuOne === null || cpuPg === null ? null : ((cpuPg - cpuOne) / cpuOne) * 100;
    lines.push(
      `1 node, Redis + PostgreSQL vs memory + SQLite: ${fmt(((onePg.perSecond - one.perSecond) / one.perSecond) * 100, 1)}% deliveries/s, ${fmt(cpuChange, 1)}% server CPU per delivery (target within 20%)`,
    );
  }
  return lines;
}

/** The standalone table: one row per case, one column per figure. */
export function printTable(outcomes: readonly CaseOutcome[], members: number, messages: number): void {
  const head = ['case', 'delivered', 'lost', 'deliveries/s', 'p50 ms', 'p99 ms', 'server CPU us/delivery', 'engines CPU us/delivery', 'generator CPU us/delivery'];
  const rows = outcomes.map((o) => {
    const r = o.result;
    if (!r) return [o.title, o.missing ?? 'n/a'];
    const lost = `${fmt(r.lost)}${r.duplicates ? ` (+${fmt(r.duplicates)} dup)` : ''}${r.disconnected ? ` (${r.disconnected} disconnected)` : ''}`;
    return [o.title, `${fmt(r.delivered)}/${fmt(r.expected)}`, lost, fmt(r.perSecond), fmt(r.p50ms, 1), fmt(r.p99ms, 1), perDelivery(r.serverCpuUs, r), perDelivery(r.engineCpuUs, r), perDelivery(r.generatorCpuUs, r)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 1).map((r) => (r[i] ?? '').length)));
  console.log(`WebSocket fan-out, one room, ${members} members x ${messages} messages (${fmt(members * messages * (members - 1))} deliveries)`);
  console.log(head.map((h, i) => h.padEnd(widths[i]!)).join(' | '));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(row.length === 2 ? `${row[0]!.padEnd(widths[0]!)} | ${row[1]!}` : row.map((c, i) => c.padEnd(widths[i]!)).join(' | '));
  for (const line of comparisons(outcomes)) console.log(line);
  for (const o of outcomes) for (const line of loggedLines(o)) console.log(`${o.title}: server logged ${line}`);
}

/** `--only` as case names, refusing unknown ones. */
export function parseCases(only: string | undefined): CaseName[] {
  if (!only) return [...CASES];
  const names = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) if (!(CASES as readonly string[]).includes(name)) throw new Error(`unknown case "${name}" (cases: ${CASES.join(', ')})`);
  return names as CaseName[];
}

function positive(value: string | undefined, fallback: number, what: string, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 10_000) throw new Error(`--${what} must be an integer from ${min} to 10000, not "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { members: { type: 'string' }, messages: { type: 'string' }, only: { type: 'string' } } });
  const members = positive(values.members, 200, 'members', 4);
  const messages = positive(values.messages, 50, 'messages', 1);
  const outcomes = await clusterBench({ members, messages, cases: parseCases(values.only) });
  printTable(outcomes, members, messages);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`cluster bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
