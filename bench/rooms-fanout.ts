// Rooms fan-out load: R rooms of K members each plus one member in every room, over IRC or WebSocket; deliveries/s and latency.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { deliveryCell, deliveryFigures, type DeliveryFigures } from './deliveries.js';
import { cpuMicros, settle } from './stats.js';

/** What one rooms run measured. */
export interface RoomsFanoutResult extends DeliveryFigures {
  readonly door: 'irc' | 'ws';
  readonly rooms: number;
  readonly perRoom: number;
  readonly messages: number;
}

const SETUP_LIMIT_MS = 30_000;
const IDLE_LIMIT_MS = 3_000;
const RUN_LIMIT_MS = 120_000;

/** A load client: how to send one batch of lines to its room, and how to close. */
interface Speaker {
  send(text: string): boolean;
  drained(): Promise<void>;
  close(): Promise<void>;
  onText(listener: (chunk: string) => void): void;
}

/** Register `nick` on IRC and join `channels`; resolves once the last 366 (end of NAMES) arrives. */
async function ircMember(host: string, port: number, nick: string, channels: readonly string[]): Promise<{ socket: Socket; speaker: Speaker }> {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    let text = '';
    let left = channels.length;
    const timer = setTimeout(() => reject(new Error(`${nick}: not joined within ${SETUP_LIMIT_MS} ms`)), SETUP_LIMIT_MS);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        const words = line.split(' ');
        const verb = line.startsWith(':') ? words[1] : words[0];
        if (verb === 'PING') socket.write(`PONG ${words.slice(1).join(' ')}\r\n`);
        else if (verb === '001') socket.write(`JOIN ${channels.join(',')}\r\n`);
        else if (verb === '366' && --left === 0) {
          clearTimeout(timer);
          socket.off('data', onData);
          resolve();
        } else if (verb === 'ERROR' || /^4\d\d$/u.test(verb ?? '')) {
          clearTimeout(timer);
          reject(new Error(`${nick}: ${line}`));
        }
      }
    };
    socket.on('data', onData);
    socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`);
  });
  const speaker: Speaker = {
    send: (text) => socket.write(text),
    drained: () => new Promise<void>((resolve) => socket.once('drain', resolve)),
    onText: (listener) => socket.on('data', (chunk: Buffer) => listener(chunk.toString('latin1'))),
    close: async () => {
      const closed = once(socket, 'close');
      socket.end('QUIT :bench done\r\n');
      const timer = setTimeout(() => socket.destroy(), 2000);
      await closed;
      clearTimeout(timer);
    },
  };
  return { socket, speaker };
}

/** Enter `name` over WebSocket and join `rooms`; resolves once every `joined` arrived. */
async function wsMember(url: string, name: string, rooms: readonly string[]): Promise<Speaker> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('error', () => undefined);
  await once(ws, 'open');
  await new Promise<void>((resolve, reject) => {
    let left = rooms.length;
    const timer = setTimeout(() => reject(new Error(`${name}: not joined within ${SETUP_LIMIT_MS} ms`)), SETUP_LIMIT_MS);
    const onMessage = (data: Buffer): void => {
      const msg = JSON.parse(data.toString()) as { type: string; message?: string };
      if (msg.type === 'welcome') for (const room of rooms) ws.send(JSON.stringify({ type: 'join', room }));
      else if (msg.type === 'error') reject(new Error(`${name}: ${msg.message ?? ''}`));
      else if (msg.type === 'joined' && --left === 0) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve();
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'enter', name }));
  });
  return {
    send: (text) => {
      ws.send(text);
      return ws.bufferedAmount < 1 << 20;
    },
    drained: () => new Promise<void>((resolve) => setImmediate(resolve)),
    onText: (listener) => ws.on('message', (data: Buffer) => listener(data.toString())),
    close: async () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = once(ws, 'close');
      ws.terminate();
      await closed;
    },
  };
}

/**
 * Run one round: `rooms` rooms of `perRoom` members, plus one member in all of them; each room
 * member says `messages` lines in its room. Every line reaches the room's other members and the
 * member in all rooms: perRoom x messages x perRoom deliveries per room.
 */
export async function roomsFanout(
  door: 'irc' | 'ws',
  target: { host: string; port: number; pid?: number },
  rooms: number,
  perRoom: number,
  messages: number,
): Promise<RoomsFanoutResult> {
  const base = process.hrtime.bigint();
  const nowUs = (): number => Number((process.hrtime.bigint() - base) / 1000n);
  const tag = `r${Math.random().toString(36).slice(2, 5)}`;
  const roomNames = Array.from({ length: rooms }, (_, i) => `#${tag}${i}`);
  const expected = rooms * perRoom * messages * perRoom;
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let lastAt = 0;
  let wake: (() => void) | undefined;
  const marker = `${tag}m`;
  const url = `ws://${target.host}:${target.port}/ws`;
  const join = (name: string, where: readonly string[]): Promise<Speaker> =>
    door === 'irc' ? ircMember(target.host, target.port, name, where).then((m) => m.speaker) : wsMember(url, name, where);
  const members: { speaker: Speaker; room: string }[] = [];
  const speakers: Speaker[] = [];
  try {
    speakers.push(await join(`${tag}all`, roomNames));
    for (const room of roomNames) {
      const group = await Promise.all(Array.from({ length: perRoom }, (_, j) => join(`${room.slice(1)}x${j}`, [room])));
      for (const speaker of group) members.push({ speaker, room });
      speakers.push(...group);
    }
    for (const speaker of speakers) {
      speaker.onText((text) => {
        const at = nowUs();
        // The marker where the message text starts (a WebSocket event repeats the text in its `notice`).
        const head = door === 'irc' ? ` :${marker}` : `"text":"${marker}`;
        for (let pos = text.indexOf(head); pos >= 0; pos = text.indexOf(head, pos + head.length)) {
          const space = text.indexOf(' ', pos + head.length);
          const sent = parseInt(text.slice(space + 1, space + 16), 10);
          if (delivered < expected) latencies[delivered] = at - sent;
          delivered += 1;
        }
        lastAt = at;
        if (delivered >= expected) wake?.();
      });
    }
    const cpuBefore = target.pid ? cpuMicros(target.pid) : null;
    const start = nowUs();
    for (let seq = 0; seq < messages; seq++) {
      const waits: Promise<void>[] = [];
      for (const { speaker, room } of members) {
        const text = `${marker}${seq} ${nowUs()} `;
        const ok = speaker.send(door === 'irc' ? `PRIVMSG ${room} :${text}\r\n` : JSON.stringify({ type: 'say', room, text }));
        if (!ok) waits.push(speaker.drained());
      }
      await Promise.all(waits);
    }
    await settle(() => delivered, expected, (w) => (wake = w), IDLE_LIMIT_MS, RUN_LIMIT_MS);
    const cpuAfter = target.pid ? cpuMicros(target.pid) : null;
    const figures = deliveryFigures({ latencies, expected, delivered, startUs: start, lastUs: lastAt, cpuBefore, cpuAfter });
    return { door, rooms, perRoom, messages, ...figures };
  } finally {
    await Promise.all(speakers.map((s) => s.close()));
  }
}

/** The figures of one run as one table cell. */
export function roomsFanoutFigures(r: RoomsFanoutResult): string {
  return deliveryCell(r);
}
