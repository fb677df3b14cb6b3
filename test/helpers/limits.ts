// Test fixtures for connection limits: every TCP door on one shared ConnectionLimits, raw clients from chosen loopback addresses, a log kept in memory.
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { pino, type Logger } from 'pino';
import { Library } from '../../src/core/library.js';
import { Chat } from '../../src/core/chat/chat.js';
import type { DoorContext } from '../../src/doors/door.js';
import { FtpDoor, type FtpDoorOptions } from '../../src/doors/ftp/door.js';
import { HttpDoor, type HttpDoorOptions } from '../../src/doors/http/door.js';
import { IrcDoor, type IrcDoorOptions } from '../../src/doors/irc/door.js';
import { SeedFilesDoor, type SeedFilesDoorOptions } from '../../src/doors/seedfiles/door.js';
import { ConnectionLimits, type ConnectionLimitsOptions } from '../../src/net/limits.js';
import { tempDir } from './seedfiles.js';

/** One JSON log record. */
export type LogRecord = Record<string, unknown> & { msg: string };

/** A pino logger whose records land in `records`. */
export function memoryLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) });
  return { log, records };
}

/** The four TCP doors on 127.0.0.1 port 0, counting through one ConnectionLimits. */
export interface DoorsRig {
  readonly limits: ConnectionLimits;
  readonly records: LogRecord[];
  readonly ports: { readonly http: number; readonly irc: number; readonly ftp: number; readonly seed: number };
  close(): Promise<void>;
}

/** Per-door option overrides (timeouts shortened by the tests). */
export interface DoorsRigOptions {
  readonly limits: Omit<ConnectionLimitsOptions, 'log'>;
  readonly http?: Partial<HttpDoorOptions>;
  readonly irc?: Partial<IrcDoorOptions>;
  readonly ftp?: Partial<FtpDoorOptions>;
  readonly seed?: Partial<SeedFilesDoorOptions>;
}

export async function startDoors(options: DoorsRigOptions): Promise<DoorsRig> {
  const dir = await tempDir('netroom-limits-');
  const root = path.join(dir, 'lib');
  const library = new Library(root);
  await library.init();
  await fs.writeFile(path.join(root, 'hello.txt'), 'hello\n');
  const { log, records } = memoryLogger();
  const limits = new ConnectionLimits({ ...options.limits, log });
  const ctx: DoorContext = { chat: new Chat(), library, lang: 'en', log, connections: limits };
  const host = '127.0.0.1';
  // Long unless a test shortens them: a slow machine must not time out the connections a test holds idle.
  const LONG = 120_000;
  const http = new HttpDoor(ctx, { host, port: 0, adminToken: 'a'.repeat(32), firstRequestTimeoutMs: LONG, ...options.http });
  const irc = new IrcDoor(ctx, { host, port: 0, adminToken: 'a'.repeat(32), registrationTimeoutMs: LONG, ...options.irc });
  const ftp = new FtpDoor(ctx, { host, port: 0, loginTimeoutMs: LONG, ...options.ftp });
  const seed = new SeedFilesDoor(ctx, { host, port: 0, firstCommandTimeoutMs: LONG, ...options.seed });
  const doors = [http, irc, ftp, seed];
  for (const door of doors) await door.listen();
  return {
    limits,
    records,
    ports: { http: http.address().port, irc: irc.address().port, ftp: ftp.address().port, seed: seed.address().port },
    async close() {
      await Promise.all(doors.map((d) => d.close()));
      limits.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A raw TCP client: everything it received, and a promise of its close. */
export interface RawClient {
  readonly socket: net.Socket;
  /** What the server sent so far (latin1). */
  text(): string;
  /** Resolves with everything received once the connection has closed (either side, reset included). */
  readonly closed: Promise<string>;
  /** Resolves with the text received once it matches `pattern` (rejects if the connection closes first). */
  waitFor(pattern: RegExp): Promise<string>;
}

/** Connect to 127.0.0.1:`port`, from `localAddress` (any 127/8 address works on Linux: all of it is lo). */
export async function connectFrom(port: number, localAddress = '127.0.0.1'): Promise<RawClient> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  let received = '';
  const listeners = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    for (const l of [...listeners]) l();
  });
  socket.on('error', () => undefined); // a refusal may come as a reset: 'close' follows either way
  const closed = new Promise<string>((resolve) =>
    socket.once('close', () => {
      resolve(received);
      for (const l of [...listeners]) l();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    text: () => received,
    closed,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(received)) {
            listeners.delete(check);
            resolve(received);
          } else if (socket.destroyed) {
            listeners.delete(check);
            reject(new Error(`closed before ${String(pattern)}; got ${JSON.stringify(received)}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}
