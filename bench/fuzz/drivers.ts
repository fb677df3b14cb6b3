// The socket fuzzer's door drivers: each sends one batch of mutated inputs through real 127.0.0.1 sockets, bounded in time.
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import * as net from 'node:net';
import WebSocket from 'ws';
import { parseCommand } from '../../src/doors/seedfiles/codec.js';
import { decodeRequest } from '../../src/doors/udp/codec.js';
import { ftpCommand, httpRequest, ircLine, seedCommand, udpMessage, wsMessage } from './corpus.js';
import { mutate, type Rng } from './mutate.js';
import type { DoorName, Ports } from './probes.js';
import { rawWsSession } from './ws-raw.js';

/** What one batch did. */
export interface BatchResult {
  /** Inputs that reached the door (see each driver for how that is known). */
  readonly sent: number;
  /** Connections opened (datagram sockets for UDP). */
  readonly connections: number;
  /** Connections that had not closed `WAIT_MS` after the last input (cut by us: a slow answer, not a hang). */
  readonly cut: number;
  /** Bytes the door sent back: a door that answers nothing is only being fed, not fuzzed. */
  readonly received: number;
}

/** One door's batch: send about `count` inputs (at least one), spread over `parallel` connections. */
export type Driver = (rng: Rng, count: number) => Promise<BatchResult>;

/** How long a connection may take to finish after its last input before the fuzzer cuts it. */
const WAIT_MS = 3000;
/** Requests per HTTP connection: a malformed one closes it (RFC 9112 allows that), the rest go on a new one. */
const HTTP_PER_CONNECTION = 50;
let serial = 0;

/** Split `count` inputs over at most `parallel` connections. */
function shares(count: number, parallel: number): number[] {
  const n = Math.max(1, Math.min(parallel, count));
  return Array.from({ length: n }, (_, i) => Math.floor(count / n) + (i < count % n ? 1 : 0));
}

interface Session {
  readonly closed: boolean;
  readonly received: number;
  /** What came back, as latin1 text, when asked for (to count replies). */
  readonly text: string;
}

/**
 * Open a TCP connection, write `payload`, optionally half-close, read everything, and resolve when
 * the server closes it or `WAIT_MS` after writing (then it is cut). A reset or a close before
 * everything was read is the door's right, not an error of the run.
 */
function tcpSession(port: number, payload: Buffer, halfClose: boolean, keepText: boolean): Promise<Session> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let timer: NodeJS.Timeout | undefined;
    let received = 0;
    const chunks: Buffer[] = [];
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, received, text: keepText ? Buffer.concat(chunks).toString('latin1') : '' });
    };
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (keepText) chunks.push(chunk);
    });
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(payload);
      if (halfClose) socket.end();
      timer = setTimeout(() => finish(false), WAIT_MS);
    });
  });
}

function total(parts: ReadonlyArray<BatchResult>): BatchResult {
  const sum = (key: keyof BatchResult): number => parts.reduce((s, p) => s + p[key], 0);
  return { sent: sum('sent'), connections: sum('connections'), cut: sum('cut'), received: sum('received') };
}

const CRLF = Buffer.from('\r\n');

/**
 * Seed UDP: datagrams from a few sockets (each datagram is one input; the kernel may drop some of
 * a burst, so the sender yields every 64). Every name a socket entered with is sent away (Q) at the end.
 */
function udpDriver(port: number, parallel: number): Driver {
  return async (rng, count) => {
    const sockets: DgramSocket[] = [];
    let received = 0;
    for (let i = 0; i < parallel; i++) {
      const socket = createSocket('udp4');
      socket.on('error', () => undefined);
      socket.on('message', (msg: Buffer) => void (received += msg.length));
      sockets.push(socket);
    }
    const entered = sockets.map(() => new Set<string>());
    const prefix = `fz${++serial % 1000}_`;
    for (let i = 0; i < count; i++) {
      const k = i % sockets.length;
      const input = mutate(rng, udpMessage(rng, prefix), () => udpMessage(rng, prefix), 1400);
      const decoded = decodeRequest(input);
      if (decoded.ok && decoded.request.kind === 'L') entered[k]!.add(decoded.request.name);
      sockets[k]!.send(input, port, '127.0.0.1');
      if (i % 64 === 63) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    sockets.forEach((socket, k) => {
      for (const name of entered[k]!) socket.send(`Q ${name}`, port, '127.0.0.1');
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const socket of sockets) socket.close();
    return { sent: count, connections: sockets.length, cut: 0, received };
  };
}

/**
 * Seed TCP files: newline-separated commands (the door runs each line of a chunk). A quit would
 * end the connection with the rest unread, so Q lines are left out; a P (upload) gets some bytes
 * and `##` and ends that connection. Inputs: the command lines written.
 */
function seedDriver(port: number, parallel: number): Driver {
  const one = async (rng: Rng, n: number): Promise<BatchResult> => {
    const parts: Buffer[] = [];
    let sent = 0;
    while (sent < n) {
      const line = mutate(rng, seedCommand(rng), () => seedCommand(rng), 600);
      const command = parseCommand(line.includes(0x0a) ? line.subarray(0, line.indexOf(0x0a)) : line);
      if (command.kind === 'quit' || line.includes(0x0a)) continue;
      parts.push(line, Buffer.from('\n'));
      sent += 1;
      if (command.kind === 'put') {
        parts.push(rng.bytes(rng.int(200)), Buffer.from('##'));
        break;
      }
    }
    const s = await tcpSession(port, Buffer.concat(parts), true, false);
    return { sent, connections: 1, cut: s.closed ? 0 : 1, received: s.received };
  };
  return async (rng, count) => total(await Promise.all(shares(count, parallel).map((n) => one(rng, n))));
}

/**
 * IRC: register, mutated lines, QUIT. Inputs: the lines written, counted only when the door
 * answered the QUIT (it read them all); otherwise the connection was closed early and counts 0.
 */
function ircDriver(port: number, parallel: number): Driver {
  const one = async (rng: Rng, n: number): Promise<BatchResult> => {
    const nick = `fz${++serial}`;
    const parts: Buffer[] = [Buffer.from(`NICK ${nick}\r\nUSER ${nick} 0 * :fuzz\r\n`)];
    for (let i = 0; i < n; i++) parts.push(mutate(rng, ircLine(rng, nick), () => ircLine(rng, nick), 9000), CRLF);
    parts.push(Buffer.from('QUIT :fuzz-done\r\n'));
    const s = await tcpSession(port, Buffer.concat(parts), true, true);
    return { sent: s.text.includes('fuzz-done') ? n : 0, connections: 1, cut: s.closed ? 0 : 1, received: s.received };
  };
  return async (rng, count) => total(await Promise.all(shares(count, parallel).map((n) => one(rng, n))));
}

/** FTP control: log in, mutated commands, QUIT. Inputs: commands the door answered (final reply lines, RFC 959 4.2). */
function ftpDriver(port: number, parallel: number): Driver {
  const one = async (rng: Rng, n: number): Promise<BatchResult> => {
    const parts: Buffer[] = [Buffer.from('USER anonymous\r\nPASS fuzz@\r\n')];
    for (let i = 0; i < n; i++) parts.push(mutate(rng, ftpCommand(rng), () => ftpCommand(rng), 9000), CRLF);
    parts.push(Buffer.from('QUIT\r\n'));
    // No half-close: the door drops the commands still queued when the client's FIN arrives; QUIT ends it.
    const s = await tcpSession(port, Buffer.concat(parts), false, true);
    // Greeting, USER, PASS and QUIT have replies of their own; a mutated line may split in two (two replies).
    const replies = (s.text.match(/^\d{3} /gmu) ?? []).length;
    return { sent: Math.min(n, Math.max(0, replies - 4)), connections: 1, cut: s.closed ? 0 : 1, received: s.received };
  };
  return async (rng, count) => total(await Promise.all(shares(count, parallel).map((n) => one(rng, n))));
}

/**
 * HTTP: pipelined keep-alive requests, then `Connection: close`. A malformed request closes the
 * connection (a 400 first, usually): the rest go again on a new one. Inputs: responses received.
 */
function httpDriver(port: number, parallel: number): Driver {
  const last = Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  const one = async (rng: Rng, n: number): Promise<BatchResult> => {
    const parts: BatchResult[] = [];
    let left = n;
    while (left > 0) {
      const requests: Buffer[] = [];
      for (let i = 0; i < Math.min(left, HTTP_PER_CONNECTION); i++) requests.push(rng.chance(0.5) ? httpRequest(rng) : mutate(rng, httpRequest(rng), () => httpRequest(rng), 4096));
      const s = await tcpSession(port, Buffer.concat([...requests, last]), false, true);
      const answered = Math.min(requests.length, (s.text.match(/HTTP\/1\.1 \d{3} /gu) ?? []).length);
      // A connection that answered nothing still took one request (it was cut or closed on it): no endless loop.
      const sent = Math.max(1, answered);
      left -= Math.min(left, sent);
      parts.push({ sent, connections: 1, cut: s.closed ? 0 : 1, received: s.received });
    }
    return total(parts);
  };
  return async (rng, count) => total(await Promise.all(shares(count, parallel).map((n) => one(rng, n))));
}

/** WebSocket chat: enter, mutated messages (text mostly, some binary), leave. Inputs: frames written before the door closed. */
function wsDriver(port: number, parallel: number): Driver {
  const one = (rng: Rng, n: number): Promise<BatchResult> =>
    new Promise((resolve) => {
      const name = `fz${++serial}`;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      let timer: NodeJS.Timeout | undefined;
      let received = 0;
      let sent = 0;
      const finish = (closed: boolean): void => {
        clearTimeout(timer);
        ws.terminate();
        resolve({ sent, connections: 1, cut: closed ? 0 : 1, received });
      };
      ws.on('error', () => undefined);
      ws.on('message', (data: Buffer) => void (received += data.length));
      ws.on('close', () => finish(true));
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'enter', name }));
        // Sent one by one across turns of the event loop, so a close by the door stops the count.
        const step = (): void => {
          for (let i = 0; i < 50 && sent < n; i++, sent++) {
            if (ws.readyState !== WebSocket.OPEN) return;
            ws.send(mutate(rng, wsMessage(rng, name), () => wsMessage(rng, name), 70_000), { binary: rng.chance(0.03) });
          }
          if (ws.readyState !== WebSocket.OPEN) return;
          if (sent < n) return void setImmediate(step);
          ws.send('{"type":"leave"}');
          ws.close(1000);
          timer = setTimeout(() => finish(false), WAIT_MS);
        };
        step();
      });
    });
  // A tenth of each batch goes as raw frames (framing fuzzed too), on new connections until it is all read.
  const raw = async (rng: Rng, n: number): Promise<BatchResult> => {
    const parts: BatchResult[] = [];
    for (let left = n; left > 0; ) {
      const s = await rawWsSession(port, rng, left, `fz${++serial}`);
      const sent = Math.max(1, s.sent);
      left -= Math.min(left, sent);
      parts.push({ sent: s.sent, connections: 1, cut: s.closed ? 0 : 1, received: s.received });
    }
    return total(parts);
  };
  return async (rng, count) => {
    const rawCount = Math.floor(count / 10);
    const rest = shares(count - rawCount, parallel).map((n) => one(rng, n));
    return total(await Promise.all(rawCount > 0 ? [raw(rng, rawCount), ...rest] : rest));
  };
}

/** The driver of each door, for a server at `ports`, `parallel` connections per batch. */
export function drivers(ports: Ports, parallel: number): Record<DoorName, Driver> {
  return {
    udp: udpDriver(ports.udp, parallel),
    // The seed door pauses 0.1 s around each OK (seed 003): more connections keep it busy.
    seed: seedDriver(ports.seed, parallel * 4),
    irc: ircDriver(ports.irc, parallel),
    ftp: ftpDriver(ports.ftp, parallel),
    ws: wsDriver(ports.http, parallel),
    http: httpDriver(ports.http, parallel),
  };
}
