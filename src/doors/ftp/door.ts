// The FTP door (RFC 959 and extensions): a control listener onto the library, with client limits and passive ports.
import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { Continuations } from '../../core/append.js';
import type { TlsSource } from '../../tls/source.js';
import { gateFor, refusalText, type DoorGate } from '../../net/limits.js';
import type { Door, DoorAddress, DoorContext } from '../door.js';
import { BufferPool, DEFAULT_BUFFER_BUDGET } from '../send-file.js';
import { formatReply } from './codec.js';
import { DEFAULT_DISCARD, type DiscardLimits } from './discard.js';
import { PassivePool } from './passive.js';
import { FtpSession, type SessionOptions, type SessionShared, type TransferRecord } from './session.js';

/** Options of the FTP door; everything but where to listen has a default. */
export interface FtpDoorOptions {
  readonly host: string;
  /** 0 picks a free port (read it back with `address()`). */
  readonly port: number;
  /** Passive data ports, inclusive (`--ftp-passive-ports 50000-50100`). Default: an ephemeral port per transfer. */
  readonly passivePorts?: readonly [number, number];
  /** Address PASV advertises, for a server behind NAT (`--ftp-public-host`); an IPv4 address or a name resolved at listen(). */
  readonly publicHost?: string;
  /** Anonymous logins: 'write' (default, like the seed server), 'read' (downloads only) or 'off'. */
  readonly anonymous?: 'read' | 'write' | 'off';
  /**
   * Most control connections at once (`--ftp-max-clients`); more get 421. Default: the server's
   * cap (ctx.connections), which also counts every other TCP door.
   */
  readonly maxClients?: number;
  /** Most control connections from one address (`--ftp-max-per-ip`). Default: the server's per-address cap. */
  readonly maxPerIp?: number;
  /** A control connection without commands for this long gets 421 and is closed. Default 5 minutes. */
  readonly idleTimeoutMs?: number;
  /** A control connection not logged in this long after connecting gets 421 and is closed (`--login-timeout`). Default 20 s. */
  readonly loginTimeoutMs?: number;
  /** Waiting for a data connection, or a transfer making no progress, for this long fails it. Default 30 s. */
  readonly dataTimeoutMs?: number;
  /**
   * An upload refused mid-transfer (full disk, size limit) is read to its end so the client hears
   * the 452/552 rather than a reset; past this many more bytes or this long it is cut instead.
   * Default 256 MiB and 60 s.
   */
  readonly refusedUploadDiscard?: Partial<DiscardLimits>;
  /** Big (1 MiB) read buffers shared by the binary downloads in progress, in bytes. Default 16 MiB. */
  readonly downloadBufferBytes?: number;
  /** The server's certificate (`--tls-cert`/`--tls-key`): turns on FTPS explicit, AUTH TLS (RFC 4217). */
  readonly tls?: TlsSource;
  /** `--ftp-require-tls`: no login and no clear data connection before AUTH TLS / PROT P. Needs `tls`. */
  readonly requireTls?: boolean;
}

/** How long a new control connection has to log in (USER and PASS), by default. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 20_000;

/** Events of the door, for supervisors and tests. */
export interface FtpDoorEvents {
  /** A transfer ended (after its reply was sent and any upload committed, kept or removed). */
  transfer: [record: TransferRecord];
  /** A connection finished all its cleanup. */
  connectionClosed: [remaining: number];
}

/**
 * The FTP door (SPEC 3, issue 5). Each control connection is an FtpSession; uploads go through
 * hidden files of the library and a dropped one is kept for REST+STOR/APPE (core/append.ts).
 * `close()` stops listening, ends every connection (aborting transfers) and resolves when all
 * cleanup is done.
 */
export class FtpDoor extends EventEmitter<FtpDoorEvents> implements Door {
  readonly name = 'ftp';
  private readonly ctx: DoorContext;
  private readonly options: FtpDoorOptions;
  private readonly sessions = new Set<FtpSession>();
  private readonly gate: DoorGate;
  private readonly continuations: Continuations;
  /** One pool for the whole door: a crowd of RETRs shares it, which is what bounds their memory. */
  private readonly buffers: BufferPool;
  private shared: SessionShared | null = null;
  private server: net.Server | null = null;
  private bound: { host: string; port: number } | null = null;
  private closing = false;

  constructor(ctx: DoorContext, options: FtpDoorOptions) {
    super();
    this.ctx = ctx;
    this.options = options;
    const range = options.passivePorts;
    if (range !== undefined && !(Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] >= 1 && range[0] <= range[1] && range[1] <= 65535)) {
      throw new Error(`bad passive port range ${range[0]}-${range[1]}`);
    }
    if (options.requireTls === true && options.tls === undefined) throw new Error('--ftp-require-tls needs a certificate (--tls-cert and --tls-key)');
    this.gate = gateFor(ctx.connections, this.name, ctx.log, {
      ...(options.maxClients !== undefined ? { maxConnections: options.maxClients } : {}),
      ...(options.maxPerIp !== undefined ? { maxPerAddress: options.maxPerIp } : {}),
    });
    this.continuations = new Continuations(ctx.library);
    // 128 KiB crowd buffers: 300 RETRs of 10 MiB at once took 4.3-7.6 s with 32 KiB reads (each a
    // trip through the 4-thread file pool) and 2.3-2.5 s with 128 KiB, with no higher peak RSS.
    this.buffers = new BufferPool(options.downloadBufferBytes ?? DEFAULT_BUFFER_BUDGET, 128 * 1024);
  }

  /** Control connections open right now (each counted until its cleanup has finished). */
  get connections(): number {
    return this.sessions.size;
  }

  async listen(): Promise<void> {
    if (this.server !== null) throw new Error('the ftp door is already listening');
    const sessionOptions: SessionOptions = {
      anonymous: this.options.anonymous ?? 'write',
      idleTimeoutMs: this.options.idleTimeoutMs ?? 300_000,
      loginTimeoutMs: this.options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
      dataTimeoutMs: this.options.dataTimeoutMs ?? 30_000,
      publicHost: await resolvePublicHost(this.options.publicHost),
      discard: { ...DEFAULT_DISCARD, ...this.options.refusedUploadDiscard },
      tls: this.options.tls ?? null,
      requireTls: this.options.requireTls === true,
    };
    this.shared = {
      ctx: this.ctx,
      options: sessionOptions,
      pool: new PassivePool(this.options.passivePorts ?? null),
      buffers: this.buffers,
      continuations: this.continuations,
      report: (record) => this.emit('transfer', record),
    };
    // allowHalfOpen: a client may pipeline its commands and shut its side down; they still get answers (session onEnd).
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.ctx.log.error({ err, door: this.name }, 'listening socket failed'));
        const address = server.address() as net.AddressInfo;
        this.bound = { host: address.address, port: address.port };
        this.ctx.log.info({ door: this.name, host: address.address, port: address.port }, 'listening');
        resolve();
      });
    }).catch((err: unknown) => {
      this.server = null;
      throw err;
    });
    this.continuations.startPruning();
  }

  address(): DoorAddress {
    const where = this.bound ?? { host: this.options.host, port: this.options.port };
    return { door: this.name, protocol: 'tcp', host: where.host, port: where.port };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.continuations.stop();
    const server = this.server;
    const stopped = server === null ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    const all = [...this.sessions];
    for (const session of all) session.destroy('Server closing');
    await Promise.all(all.map((s) => s.closed));
    await stopped;
    this.server = null;
  }

  private accept(socket: net.Socket): void {
    // First thing: an 'error' listener, so a reset connection can never crash the process.
    socket.on('error', (err) => this.ctx.log.debug({ err, door: this.name }, 'control connection error'));
    const shared = this.shared;
    if (this.closing || shared === null) {
      socket.destroy();
      return;
    }
    // Counted until the socket closes (its descriptor is what the caps protect); the gate logs refusals.
    const admission = this.gate.admitSocket(socket);
    if (!admission.ok) {
      // RFC 959 4.2: 421 "Service not available, closing control connection"; closed at once, so a
      // flood holds no descriptor for its refused connections.
      socket.write(formatReply(421, `${refusalText(admission.reason)}: try again later`));
      socket.destroy();
      return;
    }
    const session = new FtpSession(socket, shared);
    this.sessions.add(session);
    void session.closed.then(() => {
      this.sessions.delete(session);
      this.emit('connectionClosed', this.sessions.size);
    });
  }
}

/** The IPv4 address PASV advertises: the option as given if it is one, else the name's first IPv4 address. */
async function resolvePublicHost(host: string | undefined): Promise<string | null> {
  if (host === undefined || host === '') return null;
  if (net.isIPv4(host)) return host;
  if (net.isIPv6(host)) throw new Error(`--ftp-public-host must be an IPv4 address or a name (PASV is IPv4 only): ${host}`);
  const found = await lookup(host, { family: 4 });
  return found.address;
}
