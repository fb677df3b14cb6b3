// Test fixtures for the terminal clients: a real netroom server on port 0, a cuttable TCP proxy, screens and files.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { resolveConfig } from '../../src/config.js';
import type { Chat } from '../../src/core/chat/chat.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer } from '../../src/server.js';
import { Waker } from './waker.js';

/** How long a test waits for something to show up before failing with what it saw. */
export const WAIT_MS = 10_000;

/** A running server: its HTTP door (file API and /ws), the room, the folders it uses. */
export interface NetroomRig {
  /** `http://127.0.0.1:PORT` (changes with restart()). */
  readonly base: string;
  readonly port: number;
  /** The library root. */
  readonly root: string;
  /** The data folder (history, admin-token). */
  readonly data: string;
  /** A scratch folder for the client side (local files). */
  readonly local: string;
  readonly adminToken: string;
  /** The room of the server running now. */
  readonly chat: Chat;
  /** Stop the server (members hear it closing) and start a new one on the same folders, on a new port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Start `netroom serve`'s server (HTTP door with WebSocket chat, SQLite history) on 127.0.0.1 port 0 in fresh temp folders. */
export async function startNetroom(): Promise<NetroomRig> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-cli-'));
  const root = path.join(top, 'files');
  const data = path.join(top, 'data');
  const local = path.join(top, 'local');
  await fs.mkdir(local);
  const config = resolveConfig({ port: '0', http: '0', irc: 'off', ftp: 'off', dir: root, data, logLevel: 'silent' }, {});
  const boot = async (): Promise<{ server: NetroomServer; port: number }> => {
    const server = new NetroomServer(config, createLogger('silent'));
    const statuses = await server.start();
    const http = statuses.find((s) => s.door === 'http');
    if (http?.state !== 'listening') throw new Error('the server has no HTTP door listening');
    return { server, port: http.address.port };
  };
  let running = await boot();
  return {
    get base() {
      return `http://127.0.0.1:${running.port}`;
    },
    get port() {
      return running.port;
    },
    root,
    data,
    local,
    adminToken: running.server.adminToken, // generated and kept in DATA/admin-token
    get chat() {
      return running.server.chat;
    },
    async restart() {
      await running.server.stop();
      running = await boot();
    },
    async close() {
      await running.server.stop();
      await fs.rm(top, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP proxy in front of a server, to break connections on purpose. `cutClients()` destroys the
 * client side only: the server keeps a connection nobody answers on (a half-dead peer). While
 * `hold()` is on, new connections are accepted but not forwarded until `release()`.
 */
export class Proxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  private held: Array<() => void> = [];
  private holding = false;
  private budget = Infinity;
  /** Connections accepted so far. */
  accepted = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    /** Where new connections go (a test may point it at a restarted server). */
    public targetPort: number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(targetPort: number): Promise<Proxy> {
    const proxy = new Proxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once `count` connections have been accepted in all. */
  async waitAccepted(count: number): Promise<void> {
    while (this.accepted < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Drop every client connection, leaving the server side open (it sees nothing). */
  cutClients(): void {
    for (const pair of this.pairs) pair.client.destroy();
  }

  hold(): void {
    this.holding = true;
  }

  /** From now on, each new connection passes at most `bytes` from the server, then stalls (stays open). */
  stallAfter(bytes: number): void {
    this.budget = bytes;
  }

  release(): void {
    this.holding = false;
    for (const go of this.held.splice(0)) go();
  }

  async close(): Promise<void> {
    this.release();
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const pair: { client: net.Socket; upstream: net.Socket | null } = { client, upstream: null };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.pause();
    this.accepted += 1;
    for (const wake of this.waiters.splice(0)) wake();
    const forward = (): void => {
      if (client.destroyed) return;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      pair.upstream = upstream;
      upstream.on('error', () => client.destroy());
      client.pipe(upstream);
      // Not piped back with end(): a cut client side must leave the upstream open (half-dead peer).
      let left = this.budget;
      upstream.on('data', (chunk: Buffer) => {
        if (client.destroyed) return;
        const pass = chunk.length <= left ? chunk : chunk.subarray(0, left);
        left -= pass.length;
        if (pass.length > 0) client.write(pass);
        if (left <= 0) upstream.pause(); // the rest never comes: a stalled transfer
      });
      upstream.on('close', () => {
        client.destroy();
        this.pairs.delete(pair);
      });
      client.resume();
    };
    if (this.holding) this.held.push(forward);
    else forward();
  }
}

/** Collects what a session writes and lets the test await a piece of it. */
export class Screen {
  readonly stream = new PassThrough();
  text = '';
  private readonly waker = new Waker();

  constructor() {
    this.stream.setEncoding('utf8');
    this.stream.on('data', (chunk: string) => {
      this.text += chunk;
      this.waker.wake();
    });
  }

  /** Wait until the output contains `needle` (a string, or a pattern) after `from`; returns where it starts. */
  async waitFor(needle: string | RegExp, from = 0): Promise<number> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const at = typeof needle === 'string' ? this.text.indexOf(needle, from) : this.text.slice(from).search(needle);
      if (at >= 0) return typeof needle === 'string' ? at : at + from;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`output never showed ${String(needle)}; got ${JSON.stringify(this.text)}`);
      await this.waker.wait(left);
    }
  }
}

/** A file of `size` random bytes (or the given content) in `dir`; returns its path and SHA-256. */
export async function makeFile(dir: string, name: string, content: number | Buffer): Promise<{ file: string; data: Buffer; sha256: string }> {
  const data = typeof content === 'number' ? randomBytes(content) : content;
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  return { file, data, sha256: sha256(data) };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Poll `check` (awaiting each call, a few ms apart) until it returns a value; fails after WAIT_MS with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nobody listens on: bind one, read it, close it. */
export async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
