// IRC fan-out load: N clients join a channel, each sends M PRIVMSGs as fast as backpressure allows; deliveries/s and latency.
import { connect, type Socket } from 'node:net';
import { deliveryCell, deliveryFigures, type DeliveryFigures } from './deliveries.js';
import { cpuMicros, settle } from './stats.js';

/** Where to send the load: netroom's IRC door or any IRC server (ngIRCd, InspIRCd) for comparison. */
export interface IrcTarget {
  readonly host: string;
  readonly port: number;
  /** Server PID, for its CPU time per delivery. */
  readonly pid?: number;
  /** Channel to join. Default `#lobby`. */
  readonly channel?: string;
}

/** What one IRC fan-out run measured. */
export interface IrcFanoutResult extends DeliveryFigures {
  readonly clients: number;
  readonly messages: number;
  /** Clients the server disconnected during the run (e.g. SendQ exceeded, excess flood). */
  readonly disconnected: number;
}

const SETUP_LIMIT_MS = 20_000;
const IDLE_LIMIT_MS = 3_000;
const RUN_LIMIT_MS = 120_000;
const CONNECT_BATCH = 50;
const LF = 0x0a;
const PING = Buffer.from('PING ');

interface LoadClient {
  readonly socket: Socket;
  readonly nick: string;
  closed: boolean;
}

/** Connect, register and join `channel`; PINGs during setup are answered. */
async function join(target: IrcTarget, nick: string, channel: string): Promise<LoadClient> {
  const socket = connect(target.port, target.host);
  socket.setNoDelay(true);
  const client: LoadClient = { socket, nick, closed: false };
  socket.on('error', () => undefined);
  socket.on('close', () => (client.closed = true));
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${nick}: not joined within ${SETUP_LIMIT_MS} ms`)), SETUP_LIMIT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      reject(new Error(`${nick}: ${why}`));
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl).replace(/\r$/u, '');
        text = text.slice(nl + 1);
        const words = line.split(' ');
        const verb = line.startsWith(':') ? words[1] : words[0];
        if (verb === 'PING') socket.write(`PONG ${words.slice(1).join(' ')}\r\n`);
        else if (verb === '001') socket.write(`JOIN ${channel}\r\n`);
        else if (verb === '366') {
          clearTimeout(timer);
          socket.off('data', onData);
          resolve();
          return;
        } else if (verb === 'ERROR' || verb === '433' || verb === '432' || verb === '465') fail(line);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => fail('closed during setup'));
    socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`);
  });
  socket.removeAllListeners('close');
  socket.on('close', () => (client.closed = true));
  return client;
}

/** Read a decimal number from `buf` at `pos` (it stops at the space or CR after it); returns [value, position after it]. */
function readNumber(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let i = pos;
  for (; i < buf.length; i++) {
    const digit = (buf[i] as number) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return [value, i];
}

/** Lines per socket write: a client sends in batches, as a fast client (or a bouncer) does. */
const LINES_PER_WRITE = 256;

/**
 * Write `count` lines, LINES_PER_WRITE at a time, waiting for 'drain' whenever the socket asks
 * (TCP backpressure). One write per line would measure this process's syscalls, not the server:
 * on loopback each small write costs the sender the whole TCP path (about 20 us).
 */
async function sendAll(client: LoadClient, prefix: string, count: number, nowUs: () => number): Promise<void> {
  for (let seq = 0; seq < count && !client.closed; ) {
    let batch = '';
    const end = Math.min(count, seq + LINES_PER_WRITE);
    const sentAt = nowUs();
    for (; seq < end; seq++) batch += `${prefix}${seq} ${sentAt}\r\n`;
    if (!client.socket.write(batch)) {
      await new Promise<void>((resolve) => {
        client.socket.once('drain', resolve);
        client.socket.once('close', resolve);
      });
    }
  }
}

/**
 * Run one round. Every client writes its M lines as fast as backpressure allows (see sendAll); receivers count lines carrying this run's marker and take
 * the latency from the send time written in the text. Joins of late clients are not counted.
 */
export async function ircFanout(target: IrcTarget, clients: number, messages: number): Promise<IrcFanoutResult> {
  const channel = target.channel ?? '#lobby';
  const base = process.hrtime.bigint();
  const nowUs = (): number => Number((process.hrtime.bigint() - base) / 1000n);
  // Short nicks: ngIRCd allows 9 characters by default.
  const tag = `b${Math.random().toString(36).slice(2, 5)}`;
  const marker = Buffer.from(` :${tag}m`);
  const expected = clients * messages * (clients - 1);
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let lastAt = 0;
  let wake: (() => void) | undefined;
  const all: LoadClient[] = [];

  try {
    for (let start = 0; start < clients; start += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, clients - start) }, (_, j) => join(target, `${tag}${start + j}`, channel));
      all.push(...(await Promise.all(batch)));
    }
    for (const client of all) {
      let rest: Buffer | null = null;
      client.socket.on('data', (chunk: Buffer) => {
        let buf = rest === null ? chunk : Buffer.concat([rest, chunk]);
        const end = buf.lastIndexOf(LF) + 1;
        rest = end < buf.length ? Buffer.from(buf.subarray(end)) : null;
        buf = buf.subarray(0, end);
        const at = nowUs();
        for (let pos = buf.indexOf(marker); pos >= 0; pos = buf.indexOf(marker, pos)) {
          const [, afterSeq] = readNumber(buf, pos + marker.length);
          const [sent, afterTime] = readNumber(buf, afterSeq + 1);
          if (delivered < expected) latencies[delivered] = at - sent;
          delivered += 1;
          pos = afterTime;
        }
        lastAt = at;
        if (buf.includes(PING)) {
          for (const line of buf.toString('latin1').split('\n')) {
            if (line.startsWith('PING ')) client.socket.write(`PONG ${line.slice(5).replace(/\r$/u, '')}\r\n`);
          }
        }
        if (delivered >= expected) wake?.();
      });
    }
    const cpuBefore = target.pid ? cpuMicros(target.pid) : null;
    const start = nowUs();
    await Promise.all(all.map((client) => sendAll(client, `PRIVMSG ${channel} :${tag}m`, messages, nowUs)));
    await settle(() => delivered, expected, (w) => (wake = w), IDLE_LIMIT_MS, RUN_LIMIT_MS);
    const cpuAfter = target.pid ? cpuMicros(target.pid) : null;
    const figures = deliveryFigures({ latencies, expected, delivered, startUs: start, lastUs: lastAt, cpuBefore, cpuAfter });
    return { clients, messages, ...figures, disconnected: all.filter((c) => c.closed).length };
  } finally {
    await Promise.all(
      all.map(async (client) => {
        if (client.closed) return;
        const closed = new Promise((resolve) => client.socket.once('close', resolve));
        client.socket.end('QUIT :bench done\r\n');
        const timer = setTimeout(() => client.socket.destroy(), 2000);
        await closed;
        clearTimeout(timer);
      }),
    );
  }
}

/** The figures of one run as one table cell, in the style of bench/run.ts's other rows. */
export function ircFanoutFigures(r: IrcFanoutResult): string {
  return deliveryCell(r, [`${r.disconnected} dropped`]);
}
