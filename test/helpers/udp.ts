// Test helpers for the UDP door: a raw dgram client that awaits datagrams, and a room + door on port 0.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lang } from '../../src/core/i18n.js';
import { Library } from '../../src/core/library.js';
import type { FloodLimit } from '../../src/core/limits.js';
import { Chat } from '../../src/core/chat/chat.js';
import { PADDED_REQUEST } from '../../src/doors/udp/codec.js';
import { UdpDoor, type UdpDoorOptions } from '../../src/doors/udp/door.js';
import { silentLogger } from '../../src/log.js';
import { perTest } from './per-test.js';
import { Waker } from './waker.js';

/** Default wait for a datagram; a miss fails the test with a clear message (never a sleep). */
export const WAIT_MS = 5000;

/** A raw UDP client talking to one server address, with an inbox that tests await. */
export class TestUdpClient {
  private readonly inbox: Buffer[] = [];
  private readonly waker = new Waker();

  private constructor(
    readonly socket: Socket,
    private readonly port: number,
    private readonly host: string,
  ) {
    // Every socket has an error listener; a test client has nothing to recover, the test fails on its own.
    socket.on('error', () => undefined);
    socket.on('message', (buf) => {
      this.inbox.push(buf);
      this.waker.wake();
    });
  }

  /** Bind a client on `bindHost` (default 127.0.0.1; any 127.x.y.z is loopback on Linux), random port, that sends to `port`. */
  static async open(port: number, host = '127.0.0.1', bindHost = '127.0.0.1'): Promise<TestUdpClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, bindHost, resolve));
    return new TestUdpClient(socket, port, host);
  }

  /** This client's own port (what the server sees). */
  get localPort(): number {
    return this.socket.address().port;
  }

  /** Send one datagram (a string is UTF-8 encoded). */
  send(data: string | Buffer): void {
    this.socket.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, this.port, this.host);
  }

  /** The next datagram in arrival order, raw. */
  async nextBuffer(timeoutMs = WAIT_MS): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`port ${this.localPort}: no datagram within ${timeoutMs} ms`);
      await this.waker.wait(left);
    }
    return this.inbox.shift() as Buffer;
  }

  /** The next datagram in arrival order, as UTF-8 text. */
  async next(timeoutMs = WAIT_MS): Promise<string> {
    return (await this.nextBuffer(timeoutMs)).toString('utf8');
  }

  /** Skip datagrams until one matches (a string means: equals it); returns that one. */
  async waitFor(match: string | ((text: string) => boolean), timeoutMs = WAIT_MS): Promise<string> {
    const test = typeof match === 'string' ? (text: string) => text === match : match;
    const deadline = Date.now() + timeoutMs;
    const seen: string[] = [];
    for (;;) {
      let text: string;
      try {
        text = await this.next(Math.max(1, deadline - Date.now()));
      } catch {
        throw new Error(`port ${this.localPort}: nothing matching ${String(match)} within ${timeoutMs} ms; got ${JSON.stringify(seen)}`);
      }
      if (test(text)) return text;
      seen.push(text);
    }
  }

  /** Send and return the next datagram (the reply). */
  async request(data: string | Buffer): Promise<string> {
    this.send(data);
    return this.next();
  }

  /** Enter the room as `name`, failing the test unless the answer is OK. */
  async enter(name: string): Promise<void> {
    const reply = await this.request(`L ${name}`);
    if (reply !== 'OK') throw new Error(`L ${name}: expected OK, got ${JSON.stringify(reply)}`);
  }

  /** Datagrams received and not yet consumed. */
  get pending(): number {
    return this.inbox.length;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // Already closed by the test.
    }
  }
}

/** A room with a UDP door on 127.0.0.1 port 0, plus everything to tear it down. */
export interface UdpRig {
  readonly chat: Chat;
  readonly door: UdpDoor;
  readonly port: number;
  /** Open a raw client against the door; closed by close(). */
  client(): Promise<TestUdpClient>;
  /** Open a raw client and enter as `name`. */
  member(name: string): Promise<TestUdpClient>;
  close(): Promise<void>;
}

/** Options of {@link startUdpRig}. */
export interface UdpRigOptions {
  lang?: Lang;
  /** Flood control; default off so tests can speak freely. */
  flood?: FloodLimit | null;
  heartbeatMs?: number;
  /** The door's member caps and error-reply limit (defaults: the door's). */
  maxMembers?: number;
  maxPerAddress?: number;
  errorRate?: FloodLimit;
}

/**
 * `line` (an `L`, `Q` or `H`) padded as netroom's own client sends it, so the door may answer a
 * source that has not entered with a full error text (it never answers with more bytes than it got).
 */
export function padded(line: string): Buffer {
  return Buffer.from(`${line}\n${' '.repeat(PADDED_REQUEST)}`, 'utf8');
}

/** Start a room and a UDP door for one test. */
export async function startUdpRig(options: UdpRigOptions = {}): Promise<UdpRig> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-udp-'));
  const chat = new Chat({ flood: options.flood ?? null });
  const ctx = { chat, library: new Library(dir), lang: options.lang ?? 'en', log: silentLogger() };
  const doorOptions: UdpDoorOptions = {
    host: '127.0.0.1',
    port: 0,
    heartbeatMs: options.heartbeatMs,
    maxMembers: options.maxMembers,
    maxPerAddress: options.maxPerAddress,
    errorRate: options.errorRate,
  };
  const door = new UdpDoor(ctx, doorOptions);
  await door.listen();
  const port = door.address().port;
  const clients: TestUdpClient[] = [];
  const client = async (): Promise<TestUdpClient> => {
    const c = await TestUdpClient.open(port);
    clients.push(c);
    return c;
  };
  return {
    chat,
    door,
    port,
    client,
    async member(name: string) {
      const c = await client();
      await c.enter(name);
      return c;
    },
    async close() {
      await door.close();
      clients.forEach((c) => c.close());
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A `start(options)` for the calling test file: each test's rig is closed after it (registers an afterEach). */
export function udpRigPerTest(): (options?: UdpRigOptions) => Promise<UdpRig> {
  return perTest(startUdpRig);
}

/**
 * Log in one client per name, in order, then wait until each earlier one has heard the last one's
 * join notice (English texts): from then on every client's next datagram is what the test causes.
 */
export async function joinedMembers<N extends readonly string[]>(r: UdpRig, ...names: N): Promise<{ [K in keyof N]: TestUdpClient }> {
  const clients: TestUdpClient[] = [];
  for (const name of names) clients.push(await r.member(name));
  const last = names[names.length - 1];
  for (const client of clients.slice(0, -1)) await client.waitFor(`\n${last} joined the room`);
  return clients as { [K in keyof N]: TestUdpClient };
}
