// UDP chat fan-out load: N seed-protocol clients each send M messages unpaced; counts deliveries and latency.
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { cpuMicros, percentile, udpDrops, settle } from './stats.js';

/** What one fan-out run measured. */
export interface FanoutResult {
  readonly clients: number;
  readonly messages: number;
  readonly expected: number;
  readonly delivered: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  /** Datagrams the kernel dropped at the server's socket during the run (null: unknown). */
  readonly serverDrops: number | null;
  /** Server CPU per delivery in microseconds (null: no PID given). */
  readonly cpuPerDeliveryUs: number | null;
}

interface Target {
  host: string;
  port: number;
  pid?: number;
}

const IDLE_LIMIT_MS = 2_000;
const RUN_LIMIT_MS = 60_000;

/** Run one fan-out round against a seed UDP chat server (netroom or the seeds' Python server). */
export async function udpFanout(target: Target, clients: number, messages: number): Promise<FanoutResult> {
  const base = process.hrtime.bigint();
  const nowUs = (): number => Number((process.hrtime.bigint() - base) / 1000n);
  const expected = clients * messages * (clients - 1);
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let lastAt = 0;
  let wake: (() => void) | undefined;
  const sockets: Socket[] = [];
  const tag = `b${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`;

  try {
    for (let i = 0; i < clients; i++) {
      const socket = createSocket('udp4');
      socket.on('error', () => undefined);
      socket.bind(0, '127.0.0.1');
      await once(socket, 'listening');
      socket.setRecvBufferSize(4 * 1024 * 1024);
      sockets.push(socket);
      await enter(socket, target, `${tag}c${i}`);
      socket.on('message', (data) => {
        // Notices end with "<seq> <sentAtMicros>"; joins and leaves do not, and are not counted.
        const text = data.toString('latin1');
        const space = text.lastIndexOf(' ');
        const sent = Number(text.slice(space + 1));
        if (space < 0 || !Number.isFinite(sent) || !/\d \d+$/u.test(text)) return;
        const at = nowUs();
        if (delivered < expected) latencies[delivered] = at - sent;
        delivered += 1;
        lastAt = at;
        if (delivered >= expected) wake?.();
      });
    }
    const dropsBefore = udpDrops(target.port);
    const cpuBefore = target.pid ? cpuMicros(target.pid) : null;
    const start = nowUs();
    for (let seq = 0; seq < messages; seq++) {
      for (let i = 0; i < clients; i++) {
        sockets[i]!.send(`C ${tag}c${i} ${seq} ${nowUs()}`, target.port, target.host);
      }
    }
    await settle(() => delivered, expected, (w) => (wake = w), IDLE_LIMIT_MS, RUN_LIMIT_MS);
    const cpuAfter = target.pid ? cpuMicros(target.pid) : null;
    const dropsAfter = udpDrops(target.port);
    const counted = Math.min(delivered, expected);
    const sorted = latencies.subarray(0, counted).sort();
    const seconds = Math.max(1, lastAt - start) / 1e6;
    return {
      clients,
      messages,
      expected,
      delivered,
      perSecond: delivered / seconds,
      p50ms: percentile(sorted, 50) / 1000,
      p99ms: percentile(sorted, 99) / 1000,
      serverDrops: dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore,
      cpuPerDeliveryUs: cpuBefore === null || cpuAfter === null || delivered === 0 ? null : (cpuAfter - cpuBefore) / delivered,
    };
  } finally {
    for (let i = 0; i < sockets.length; i++) sockets[i]!.send(`Q ${tag}c${i}`, target.port, target.host);
    // Give the quit datagrams a turn of the loop to leave before the sockets close.
    await new Promise((resolve) => setImmediate(resolve));
    for (const socket of sockets) socket.close();
  }
}

async function enter(socket: Socket, target: Target, name: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    socket.send(`L ${name}`, target.port, target.host);
    const reply = await Promise.race([
      once(socket, 'message').then(([data]) => (data as Buffer).toString()),
      new Promise<string>((resolve) => setTimeout(() => resolve(''), 1000)),
    ]);
    if (reply === 'OK') return;
    if (reply !== '') throw new Error(`${name} was refused: ${reply}`);
  }
  throw new Error(`${name}: no answer from ${target.host}:${target.port}`);
}
