// WebSocket chat fan-out load: N members on /ws each say M messages; deliveries/s, latency, server CPU.
import { once } from 'node:events';
import WebSocket from 'ws';
import { deliveryFigures, type DeliveryFigures } from './deliveries.js';
import { cpuMicros, settle } from './stats.js';

/** What one WebSocket fan-out run measured. */
export interface WsFanoutResult extends DeliveryFigures {
  readonly members: number;
  readonly messages: number;
}

const IDLE_LIMIT_MS = 3_000;
const RUN_LIMIT_MS = 120_000;

/** Connect and enter `count` members on `url` (ws://host:port/ws); resolves with the open sockets. */
export async function enterMembers(url: string, count: number, tag: string): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const batch = 100;
  for (let start = 0; start < count; start += batch) {
    const group = Array.from({ length: Math.min(batch, count - start) }, async (_, j) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('error', () => undefined);
      await once(ws, 'open');
      // One listener for the whole exchange: hello and welcome may arrive in the same read.
      const welcomed = new Promise<void>((resolve, reject) => {
        const onMessage = (data: Buffer): void => {
          const msg = JSON.parse(data.toString()) as { type: string; message?: string };
          if (msg.type !== 'welcome' && msg.type !== 'error') return;
          ws.off('message', onMessage);
          if (msg.type === 'welcome') resolve();
          else reject(new Error(`enter refused: ${msg.message ?? ''}`));
        };
        ws.on('message', onMessage);
      });
      ws.send(JSON.stringify({ type: 'enter', name: `${tag}${start + j}` }));
      await welcomed;
      return ws;
    });
    sockets.push(...(await Promise.all(group)));
  }
  return sockets;
}

/** Run one fan-out round: every member says `messages` lines as fast as the socket takes them. */
export async function wsFanout(url: string, members: number, messages: number, pid?: number): Promise<WsFanoutResult> {
  const base = process.hrtime.bigint();
  const nowUs = (): number => Number((process.hrtime.bigint() - base) / 1000n);
  const tag = `w${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}m`;
  const sockets = await enterMembers(url, members, tag);
  const expected = members * messages * (members - 1);
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let lastAt = 0;
  let wake: (() => void) | undefined;
  const marker = `"text":"${tag}`;
  try {
    for (const ws of sockets) {
      ws.removeAllListeners('message');
      ws.on('message', (data: Buffer) => {
        // Only our load's messages count; joins of late members and other events are skipped cheaply.
        const text = data.toString();
        const at = text.indexOf(marker);
        if (at < 0) return;
        const sent = Number(text.slice(at + marker.length, text.indexOf('"', at + marker.length)).split(' ')[1]);
        const now = nowUs();
        if (delivered < expected) latencies[delivered] = now - sent;
        delivered += 1;
        lastAt = now;
        if (delivered >= expected) wake?.();
      });
    }
    const cpuBefore = pid ? cpuMicros(pid) : null;
    const start = nowUs();
    for (let seq = 0; seq < messages; seq++) {
      for (const ws of sockets) ws.send(`{"type":"say","text":"${tag}${seq} ${nowUs()}"}`);
    }
    await settle(() => delivered, expected, (w) => (wake = w), IDLE_LIMIT_MS, RUN_LIMIT_MS);
    const cpuAfter = pid ? cpuMicros(pid) : null;
    const figures = deliveryFigures({ latencies, expected, delivered, startUs: start, lastUs: lastAt, cpuBefore, cpuAfter });
    return { members, messages, ...figures };
  } finally {
    await closeAll(sockets);
  }
}

/** Close every socket and wait (bounded) for them to go. */
export async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(async (ws) => {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = once(ws, 'close');
      ws.terminate();
      await closed;
    }),
  );
}
