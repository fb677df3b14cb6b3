// The IRC door (SPEC 3, issue 4): a TCP listener where the room is the channel #lobby and nicks are room names.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { listenTls } from './tls.js';
import type { TlsSource } from '../../tls/source.js';
import { gateFor, refusalText, type DoorGate } from '../../net/limits.js';
import type { Door, DoorAddress, DoorContext } from '../door.js';
import { chatListener } from './fanout.js';
import { IrcHub, type IrcSettings } from './hub.js';
import { ReadMeter } from './reader.js';

/** Options of the IRC door; every limit has a default. */
export interface IrcDoorOptions {
  /** Address to bind. */
  readonly host: string;
  /** Port to bind; 0 picks a free one (read it back with address()). null: no plain-text listener (TLS only). */
  readonly port: number | null;
  /** IRC over TLS (RFC 7194) on a second port; its connections take the same path as plain ones. */
  readonly tls?: { readonly port: number; readonly source: TlsSource };
  /** The administrator token: `OPER admin TOKEN` makes a client an operator. Empty: OPER is refused. */
  readonly adminToken: string;
  /** Recent events replayed on JOIN (from ctx.history). Default 50; 0 turns replay off. */
  readonly historySize?: number;
  /** Silence after which the server sends PING. Default 90 s. */
  readonly pingIntervalMs?: number;
  /** Silence after which the client is dropped (leave reason: timeout). Default 180 s; must exceed pingIntervalMs. */
  readonly pingTimeoutMs?: number;
  /** Message of the day, one entry per line. Default: a short welcome; [] sends 422. */
  readonly motd?: readonly string[];
  /** Topic of #lobby. Default: a one-line description; '' means no topic (331). */
  readonly topic?: string;
  /** Unsent bytes a client may have pending before it is dropped ("SendQ exceeded"). Default 1 MiB. */
  readonly sendQueueBytes?: number;
  /** Server name in sources and numerics. Default `irc.netroom`. */
  readonly serverName?: string;
  /** Shortest time between two nick changes of one client (each is a leave and a join). Default 10 s. */
  readonly nickChangeIntervalMs?: number;
  /** A connection not registered (NICK + USER) this long after connecting is closed (`--login-timeout`). Default 20 s. */
  readonly registrationTimeoutMs?: number;
}

export const DEFAULT_IRC_HISTORY = 50;
export const DEFAULT_PING_INTERVAL_MS = 90_000;
export const DEFAULT_PING_TIMEOUT_MS = 180_000;
export const DEFAULT_SEND_QUEUE_BYTES = 1024 * 1024;
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 20_000;
const DEFAULT_MOTD = [
  'Welcome to netroom: rooms and direct messages, many doors.',
  '/list shows the rooms; #lobby is everyone\'s: people there may be on the web, a terminal, UDP or IRC.',
  'Nicks are member names, shared by every door; /msg NICK reaches anyone, whatever their door.',
];
const DEFAULT_TOPIC = 'netroom: one room for everyone, whatever door they came in by';

function settingsOf(options: IrcDoorOptions): IrcSettings {
  const settings: IrcSettings = {
    serverName: options.serverName ?? 'irc.netroom',
    adminToken: options.adminToken,
    historySize: options.historySize ?? DEFAULT_IRC_HISTORY,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    pingTimeoutMs: options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
    motd: options.motd ?? DEFAULT_MOTD,
    topic: options.topic ?? DEFAULT_TOPIC,
    sendQueueBytes: options.sendQueueBytes ?? DEFAULT_SEND_QUEUE_BYTES,
    nickChangeIntervalMs: options.nickChangeIntervalMs ?? 10_000,
    registrationTimeoutMs: options.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS,
  };
  if (!Number.isInteger(settings.historySize) || settings.historySize < 0) throw new RangeError('historySize must be an integer >= 0');
  if (!(settings.pingIntervalMs > 0)) throw new RangeError('pingIntervalMs must be above 0');
  if (!(settings.pingTimeoutMs > settings.pingIntervalMs)) throw new RangeError('pingTimeoutMs must be above pingIntervalMs');
  if (!(settings.sendQueueBytes >= 4096)) throw new RangeError('sendQueueBytes must be at least 4096');
  if (!(settings.nickChangeIntervalMs >= 0)) throw new RangeError('nickChangeIntervalMs must be >= 0');
  if (!(settings.registrationTimeoutMs > 0)) throw new RangeError('registrationTimeoutMs must be above 0');
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/u.test(settings.serverName)) {
    // Clients tell a server from a nick by the dot (a source without `!` and with a `.` is a server).
    throw new RangeError('serverName must be a host name with a dot, e.g. irc.netroom');
  }
  return settings;
}

/**
 * The IRC door. Registration (NICK + USER, after CAP END if CAP was used) enters the room under
 * the nick; JOIN #lobby shows the room; room events become JOIN/PRIVMSG/QUIT/NOTICE lines,
 * encoded once per event and written once per client per event-loop turn.
 */
export class IrcDoor implements Door {
  readonly name = 'irc';
  private readonly hub: IrcHub;
  private readonly log: Logger;
  private readonly gate: DoorGate;
  /** Reads every connection in slices, a turn's worth at a time (see ReadMeter). */
  private readonly reader: ReadMeter;
  private server: Server | null = null;
  private port = 0;
  /** The IRC-over-TLS listener, when options.tls is given. */
  private tlsListener: { readonly port: number; close(): Promise<void> } | null = null;
  private unsubscribe: (() => void) | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private shutdown: Promise<void> | null = null;

  constructor(
    private readonly ctx: DoorContext,
    private readonly options: IrcDoorOptions,
  ) {
    this.log = ctx.log.child({ door: 'irc' });
    this.hub = new IrcHub(ctx, settingsOf(options), this.log);
    this.gate = gateFor(ctx.connections, this.name, ctx.log);
    // A line from a joined client goes to every other joined client.
    this.reader = new ReadMeter(this.hub.scheduler, () => this.hub.joined.length);
  }

  /** Connected clients (registered or not); for the server's status and the tests. */
  get connections(): number {
    return this.hub.sessions.size;
  }

  /** Bind and start serving; rejects if the address cannot be bound. */
  async listen(): Promise<void> {
    if (this.options.port !== null) await this.listenPlain(this.options.port);
    else this.startHub();
    if (this.options.tls) {
      const { port, source } = this.options.tls;
      this.tlsListener = await listenTls({ host: this.options.host, port, source, log: this.log }, this.onConnection).catch(async (err: unknown) => {
        await this.close();
        throw err;
      });
    }
  }

  private listenPlain(port: number): Promise<void> {
    if (this.server) return Promise.reject(new Error('the IRC door is already listening'));
    const server = createServer({ noDelay: true });
    this.server = server;
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => {
        this.server = null;
        reject(err);
      };
      server.once('error', failed);
      server.listen(port, this.options.host, () => {
        server.off('error', failed);
        server.on('error', (err) => this.log.warn({ err }, 'irc listener error'));
        server.on('connection', this.onConnection);
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        this.startHub();
        this.log.info({ host: this.options.host, port: this.port }, 'irc door listening');
        resolve();
      });
    });
  }

  /** Follow the room and start the keepalive sweep (once, whichever listener comes first). */
  private startHub(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ctx.chat.subscribe(chatListener(this.hub));
    const { pingIntervalMs, pingTimeoutMs } = this.hub.settings;
    // Check a few times per interval, so a PING or a drop is late by a fraction of it at most.
    const every = Math.max(10, Math.min(pingIntervalMs, pingTimeoutMs - pingIntervalMs) / 4);
    this.sweepTimer = setInterval(() => this.hub.sweep(Date.now()), every);
    this.sweepTimer.unref();
  }

  /** Where the door listens (the real port after binding port 0); the TLS port when there is no plain one. */
  address(): DoorAddress {
    if (this.options.port === null) return this.tlsAddress() ?? { door: 'irc', protocol: 'tcp', host: this.options.host, port: 0 };
    return { door: 'irc', protocol: 'tcp', host: this.options.host, port: this.port };
  }

  /** Where IRC over TLS listens, or null without it. */
  tlsAddress(): DoorAddress | null {
    return this.tlsListener ? { door: 'ircs', protocol: 'tcp', host: this.options.host, port: this.tlsListener.port } : null;
  }

  /**
   * Stop accepting, say `ERROR :Closing link` to every client and end its connection (after the
   * room's closing NOTICE, if the room was closed first); members still in the room leave it
   * with reason `shutdown`. Resolves once every connection is gone.
   */
  close(): Promise<void> {
    if (!this.server && !this.tlsListener && !this.unsubscribe) return this.shutdown ?? Promise.resolve();
    this.shutdown ??= this.closeServer();
    return this.shutdown;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    const closed = Promise.all([
      server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined,
      this.tlsListener?.close(),
    ]);
    const sessions = [...this.hub.sessions];
    this.hub.closeAll('Server shutting down');
    this.unsubscribe?.();
    this.unsubscribe = null;
    // The server's callback can come a tick before the sockets' own 'close': wait for both.
    await Promise.all([closed, ...sessions.map((s) => s.closed)]);
    this.server = null;
    this.tlsListener = null;
    this.shutdown = null;
  }

  private readonly onConnection = (socket: Socket): void => {
    if (this.shutdown) {
      socket.destroy();
      return;
    }
    socket.on('error', (err) => this.log.debug({ err }, 'irc socket error'));
    const admission = this.gate.admitSocket(socket);
    if (!admission.ok) {
      // RFC 2812 3.7.4: ERROR tells the client why the server closes the link; closed at once, so a
      // flood holds no descriptor for its refused connections (the gate logged the refusal).
      socket.write(`ERROR :${refusalText(admission.reason)}\r\n`);
      socket.destroy();
      return;
    }
    this.reader.attach(socket);
    this.hub.attach(socket);
  };
}
