// One room's fan-out across several server endpoints: members split evenly over them, each says M lines; every delivery is checked off.
import { once } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { percentile, settle } from './stats.js';

/** Where members connect: a netroom /ws door, or a socket.io server. */
export interface Endpoint {
  readonly kind: 'netroom' | 'socketio';
  readonly url: string;
}

/** What one run measured. `lost` = expected minus distinct deliveries; `duplicates` = deliveries seen twice. */
export interface ClusterLoadResult {
  readonly members: number;
  readonly messages: number;
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicates: number;
  /** Members whose connection closed during the run. */
  readonly disconnected: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  /** CPU (us) of the server processes and of the engines (Redis, PostgreSQL) over the send window; null when not measured. */
  readonly serverCpuUs: number | null;
  readonly engineCpuUs: number | null;
  /** CPU (us) of this process (the load generator) over the same window: near a core's worth, the generator bounds the rate. */
  readonly generatorCpuUs: number;
}

/** A connected member, whatever the protocol. */
interface LoadMember {
  readonly index: number;
  closed: boolean;
  send(text: string): void;
  close(): Promise<void>;
}

const SETUP_LIMIT_MS = 30_000;
const CONNECT_BATCH = 50;
const SYNC_ROUNDS = 20;
const SYNC_ROUND_MS = 1_500;
/** A burst queued on a loaded machine can go quiet for seconds before the rest arrives. */
const IDLE_LIMIT_MS = 10_000;
const RUN_LIMIT_MS = 180_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Enter netroom's /ws door under `name`; every frame's chat text goes to `onText`. */
async function netroomMember(url: string, index: number, name: string, onText: (text: string) => void): Promise<LoadMember> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const member: LoadMember = {
    index,
    closed: false,
    send: (text) => ws.send(`{"type":"say","text":"${text}"}`),
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = once(ws, 'close');
      ws.terminate();
      await closed;
    },
  };
  ws.on('error', () => undefined);
  ws.on('close', () => (member.closed = true));
  await withTimeout(once(ws, 'open'), SETUP_LIMIT_MS, `${name}: connect`);
  const welcomed = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      // Only the load's own lines matter once in; the text is the JSON string's contents (ours hold no escapes).
      const at = text.indexOf('"text":"');
      if (at >= 0 && text.startsWith('{"type":"event"')) onText(text.slice(at + 8, text.indexOf('"', at + 8)));
      else if (text.startsWith('{"type":"welcome"')) resolve();
      else if (text.startsWith('{"type":"error"')) reject(new Error(`${name}: ${text}`));
    });
  });
  ws.send(JSON.stringify({ type: 'enter', name }));
  await withTimeout(welcomed, SETUP_LIMIT_MS, `${name}: enter`);
  return member;
}

/** Connect to the socket.io room over WebSocket only and enter it (acknowledged). */
async function socketIoMember(url: string, index: number, name: string, onText: (text: string) => void): Promise<LoadMember> {
  const socket: Socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const member: LoadMember = {
    index,
    closed: false,
    send: (text) => socket.emit('say', text),
    close() {
      socket.disconnect();
      return Promise.resolve();
    },
  };
  socket.on('disconnect', () => (member.closed = true));
  socket.on('message', (_from: string, text: string) => onText(text));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
    SETUP_LIMIT_MS,
    `${name}: connect`,
  );
  await withTimeout(socket.emitWithAck('enter', name), SETUP_LIMIT_MS, `${name}: enter`);
  return member;
}

/** Read a decimal number at `pos`; [value, position after it]. */
function readNumber(text: string, pos: number): [number, number] {
  let value = 0;
  let i = pos;
  for (; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return [value, i];
}

/** The last two members on each of `endpoints` endpoints (member i is on endpoint i mod endpoints). */
function probersOf(members: number, endpoints: number): number[] {
  const out = new Set<number>();
  for (let e = 0; e < endpoints; e++) {
    const last = members - 1 - ((((members - 1 - e) % endpoints) + endpoints) % endpoints);
    for (const i of [last, last - endpoints]) if (i >= 0) out.add(i);
  }
  return [...out];
}

/** How the run reads the servers' and the engines' CPU time (us), before and after the send window. */
export interface CpuProbe {
  server(): number | null;
  engines(): number | null;
}

/**
 * Split `members` over `endpoints` (member i on endpoint i mod E), enter them all, wait until every member
 * hears a probe from the last members of each endpoint (the nodes know each other's members), then every
 * member says `messages` lines at once, each carrying its sender, sequence and send time. Receivers check
 * off (receiver, sender, seq) in a bitmap: distinct deliveries, duplicates, latency.
 */
export async function clusterFanout(endpoints: readonly Endpoint[], members: number, messages: number, cpu: CpuProbe): Promise<ClusterLoadResult> {
  const base = process.hrtime.bigint();
  const nowUs = (): number => Number((process.hrtime.bigint() - base) / 1000n);
  const tag = `c${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const loadMark = `${tag}m`;
  const probeMark = `${tag}p`;
  const expected = members * messages * (members - 1);
  const latencies = new Float64Array(expected);
  const seen = new Uint8Array(Math.ceil((members * members * messages) / 8));
  let delivered = 0;
  let duplicates = 0;
  let lastAt = 0;
  let wake: (() => void) | undefined;
  let probeRound = -1;
  let probesHeard = 0;
  let probeWake: (() => void) | undefined;

  const onText = (receiver: number) => (text: string): void => {
    if (text.startsWith(loadMark)) {
      const [sender, a] = readNumber(text, loadMark.length);
      const [seq, b] = readNumber(text, a + 1);
      const [sent] = readNumber(text, b + 1);
      if (sender >= members || seq >= messages) return;
      const bit = (receiver * members + sender) * messages + seq;
      if ((seen[bit >> 3]! & (1 << (bit & 7))) !== 0) {
        duplicates += 1;
        return;
      }
      seen[bit >> 3]! |= 1 << (bit & 7);
      const now = nowUs();
      latencies[delivered] = now - sent;
      delivered += 1;
      lastAt = now;
      if (delivered >= expected) wake?.();
    } else if (text.startsWith(probeMark) && readNumber(text, probeMark.length)[0] === probeRound) {
      probesHeard += 1;
      probeWake?.();
    }
  };

  const all: LoadMember[] = [];
  try {
    for (let start = 0; start < members; start += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, members - start) }, (_, j) => {
        const index = start + j;
        const endpoint = endpoints[index % endpoints.length]!;
        const connect = endpoint.kind === 'netroom' ? netroomMember : socketIoMember;
        return connect(endpoint.url, index, `${tag}${index}`, onText(index));
      });
      all.push(...(await Promise.all(batch)));
    }
    // Probes from the last two members of each endpoint (with --workers, likely one per worker).
    const probers = probersOf(members, endpoints.length);
    let synced = false;
    for (let round = 0; round < SYNC_ROUNDS && !synced; round++) {
      probeRound = round;
      probesHeard = 0;
      for (const i of probers) all[i]!.send(`${probeMark}${round}`);
      const want = probers.length * (members - 1);
      const deadline = Date.now() + SYNC_ROUND_MS;
      while (probesHeard < want && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          probeWake = () => {
            if (probesHeard < want) return;
            clearTimeout(timer);
            resolve();
          };
        });
      }
      synced = probesHeard >= want;
    }
    if (!synced) throw new Error(`the members did not all hear each other within ${SYNC_ROUNDS} probe rounds`);

    const serverBefore = cpu.server();
    const enginesBefore = cpu.engines();
    const generatorBefore = process.cpuUsage();
    const start = nowUs();
    for (let seq = 0; seq < messages; seq++) {
      for (const member of all) member.send(`${loadMark}${member.index} ${seq} ${nowUs()}`);
    }
    await settle(() => delivered, expected, (w) => (wake = w), IDLE_LIMIT_MS, RUN_LIMIT_MS);
    const serverAfter = cpu.server();
    const enginesAfter = cpu.engines();
    const generator = process.cpuUsage(generatorBefore);
    const sorted = latencies.subarray(0, delivered).sort();
    return {
      members,
      messages,
      expected,
      delivered,
      lost: expected - delivered,
      duplicates,
      disconnected: all.filter((m) => m.closed).length,
      perSecond: delivered / (Math.max(1, lastAt - start) / 1e6),
      p50ms: percentile(sorted, 50) / 1000,
      p99ms: percentile(sorted, 99) / 1000,
      serverCpuUs: serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore,
      engineCpuUs: enginesBefore === null || enginesAfter === null ? null : enginesAfter - enginesBefore,
      generatorCpuUs: generator.user + generator.system,
    };
  } finally {
    await Promise.all(all.map((m) => m.close()));
  }
}
