// Health probes of the socket fuzzer: one small real exchange per door, each on a fresh connection, bounded in time.
import { createSocket } from 'node:dgram';
import * as net from 'node:net';
import WebSocket from 'ws';

/** The doors the fuzzer drives, in the order it drives them. */
export const DOORS = ['udp', 'seed', 'irc', 'ftp', 'ws', 'http'] as const;
export type DoorName = (typeof DOORS)[number];

/** Where each door listens on 127.0.0.1. */
export interface Ports {
  readonly udp: number;
  readonly seed: number;
  readonly irc: number;
  readonly ftp: number;
  readonly http: number;
}

let probeCount = 0;

/** Resolve with `work`'s answer, or false after `ms`; `cleanup` runs either way. */
function bounded(ms: number, work: (done: (ok: boolean) => void) => () => void): Promise<boolean> {
  return new Promise((resolve) => {
    let cleanup: () => void = () => undefined;
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), ms);
    cleanup = work(finish);
  });
}

/**
 * Connect over TCP, write `send` once connected (and after `waitFor` if given), and succeed when
 * everything received so far matches `answered`. Any answer counts: the door is alive.
 */
function tcpProbe(port: number, ms: number, send: string, answered: (text: string) => boolean): Promise<boolean> {
  return bounded(ms, (done) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write(send));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (answered(received)) done(true);
    });
    return () => socket.destroy();
  });
}

/** UDP: `L name` then `Q name`; alive when the door answers the L (OK, or a refusal such as a full room). */
function udpProbe(port: number, ms: number): Promise<boolean> {
  const name = `probe${++probeCount}`;
  return bounded(ms, (done) => {
    const socket = createSocket('udp4');
    socket.on('error', () => done(false));
    socket.on('message', (msg) => {
      if (msg.toString() === 'OK') socket.send(`Q ${name}`, port, '127.0.0.1');
      else if (msg.toString() === 'EXIT' || !msg.toString().startsWith('\n')) done(true);
    });
    socket.send(`L ${name}`, port, '127.0.0.1');
    return () => socket.close();
  });
}

/** WebSocket: the door's first frame is `hello`. */
function wsProbe(port: number, ms: number): Promise<boolean> {
  return bounded(ms, (done) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.on('error', () => done(false));
    ws.on('message', (data: Buffer) => done(data.toString().includes('"hello"')));
    return () => ws.terminate();
  });
}

/** One probe of one door: true when it answered within `ms`. */
export function probe(door: DoorName, ports: Ports, ms: number): Promise<boolean> {
  switch (door) {
    case 'udp':
      return udpProbe(ports.udp, ms);
    case 'seed':
      // L: a listing, or "the library is empty": any bytes.
      return tcpProbe(ports.seed, ms, 'L', (t) => t.length > 0);
    case 'irc': {
      const nick = `probe${++probeCount}`;
      return tcpProbe(ports.irc, ms, `NICK ${nick}\r\nUSER ${nick} 0 * :probe\r\nPING :alive\r\n`, (t) => t.includes('alive') || / 4\d\d /u.test(t));
    }
    case 'ftp':
      return tcpProbe(ports.ftp, ms, 'NOOP\r\n', (t) => /^(200|530|421) /mu.test(t));
    case 'ws':
      return wsProbe(ports.http, ms);
    case 'http':
      return tcpProbe(ports.http, ms, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', (t) => /^HTTP\/1\.1 \d{3} /u.test(t) && t.includes('\r\n\r\n'));
  }
}

/** Probe every door at once; the doors that did not answer. */
export async function probeAll(ports: Ports, ms: number): Promise<DoorName[]> {
  const results = await Promise.all(DOORS.map(async (door) => [door, await probe(door, ports, ms)] as const));
  return results.filter(([, ok]) => !ok).map(([door]) => door);
}
