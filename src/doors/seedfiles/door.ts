// The seed file door: a TCP server speaking seed 003's L/G/P/Q protocol onto the library, many clients at once.
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { gateFor, type DoorGate } from '../../net/limits.js';
import type { Door, DoorAddress, DoorContext } from '../door.js';
import { SeedFilesSession, type SessionOptions } from './session.js';
import { isListable } from './codec.js';
import { RootListingCache } from './listing-cache.js';

/** Options of the seed file door; everything but where to listen has a default. */
export interface SeedFilesDoorOptions {
  readonly host: string;
  /** 0 picks a free port (read it back with `address()`). */
  readonly port: number;
  /** Pause around `OK` and before `##` (the seed client tells replies apart by timing). Default 100 ms. */
  readonly pauseMs?: number;
  /** Close a connection without traffic after this long. Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** Close a new connection that sends no command for this long (`--login-timeout`). Default 20 s. */
  readonly firstCommandTimeoutMs?: number;
  /** Drop a client that takes no download bytes for this long. Default 60 s. */
  readonly drainTimeoutMs?: number;
  /** Upload end marker: a `##` burst after this much silence ends the upload. Default 50 ms. */
  readonly endGapMs?: number;
  /** Upload end marker: bytes ending in `##` followed by this much silence end the upload. Default 1 s. */
  readonly endQuietMs?: number;
}

/** How long a new connection has to send its first command, by default (a person typing into nc has time). */
export const DEFAULT_FIRST_COMMAND_TIMEOUT_MS = 20_000;

/** Events of the door, for supervisors and tests: a connection finished all its cleanup; none are left. */
export interface SeedFilesDoorEvents {
  connectionClosed: [remaining: number];
  idle: [];
}

/**
 * The seed file door (SPEC 3.2). Each connection is a SeedFilesSession; `close()` stops listening,
 * drops every connection (aborting uploads in progress) and resolves once all are gone.
 */
export class SeedFilesDoor extends EventEmitter<SeedFilesDoorEvents> implements Door {
  readonly name = 'seed-files';
  private readonly ctx: DoorContext;
  private readonly host: string;
  private readonly port: number;
  private readonly sessionOptions: SessionOptions;
  private readonly sessions = new Set<SeedFilesSession>();
  private readonly gate: DoorGate;
  private server: net.Server | null = null;
  private bound: { host: string; port: number } | null = null;
  private closing = false;

  constructor(ctx: DoorContext, options: SeedFilesDoorOptions) {
    super();
    this.ctx = ctx;
    this.host = options.host;
    this.port = options.port;
    this.sessionOptions = {
      pauseMs: options.pauseMs ?? 100,
      idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
      firstCommandTimeoutMs: options.firstCommandTimeoutMs ?? DEFAULT_FIRST_COMMAND_TIMEOUT_MS,
      drainTimeoutMs: options.drainTimeoutMs ?? 60_000,
      endGapMs: options.endGapMs ?? 50,
      endQuietMs: options.endQuietMs ?? 1000,
      listing: new RootListingCache(ctx.library.root, async () => {
        const entries = await ctx.library.list('');
        return entries.filter((e) => e.type === 'file' && isListable(e.name)).map((e) => e.name);
      }),
    };
    this.gate = gateFor(ctx.connections, this.name, ctx.log);
  }

  /** Connections open right now (each counted until its cleanup has finished). */
  get connections(): number {
    return this.sessions.size;
  }

  listen(): Promise<void> {
    if (this.server !== null) return Promise.reject(new Error('the seed-files door is already listening'));
    // allowHalfOpen: `printf 'G x\n' | nc -N` shuts its side down and still expects the file.
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.ctx.log.error({ err, door: this.name }, 'listening socket failed'));
        const address = server.address() as net.AddressInfo;
        this.bound = { host: address.address, port: address.port };
        this.ctx.log.info({ door: this.name, host: address.address, port: address.port }, 'listening');
        resolve();
      });
    });
  }

  address(): DoorAddress {
    const where = this.bound ?? { host: this.host, port: this.port };
    return { door: this.name, protocol: 'tcp', host: where.host, port: where.port };
  }

  /** Resolves at once if no connection is open, else when the last one has finished closing. */
  whenIdle(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    const server = this.server;
    const stopped =
      server === null ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    const all = [...this.sessions];
    for (const session of all) session.destroy();
    await Promise.all(all.map((s) => s.closed));
    await stopped;
    this.server = null;
  }

  private accept(socket: net.Socket): void {
    // First thing: an 'error' listener, so a reset connection can never crash the process.
    socket.on('error', (err) => this.ctx.log.debug({ err, door: this.name }, 'connection error'));
    if (this.closing) {
      socket.destroy();
      return;
    }
    // The seed protocol has no error line a client would show (its replies are data): refused means
    // closed at once, and the gate logs it.
    if (!this.gate.admitSocket(socket).ok) {
      socket.destroy();
      return;
    }
    const session = new SeedFilesSession(socket, this.ctx, this.sessionOptions);
    this.sessions.add(session);
    void session.closed.then(() => {
      this.sessions.delete(session);
      this.emit('connectionClosed', this.sessions.size);
      if (this.sessions.size === 0) this.emit('idle');
    });
  }
}
