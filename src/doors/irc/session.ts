// One IRC connection: its socket, line decoder, writer, and what the client has negotiated and set.
import type { Socket } from 'node:net';
import type { Member } from '../../core/room.js';
import { LineDecoder, fitLine, serialize, splitText, MAX_BODY_BYTES } from './codec.js';
import { FlushScheduler, LineWriter } from './writer.js';

/** The IRCv3 capabilities the door offers (CAP LS). */
export const CAPABILITIES = ['echo-message', 'message-tags', 'multi-prefix', 'server-time'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** How long an ending connection may take to flush its last lines before it is destroyed. */
const LINGER_MS = 2000;

let nextId = 1;

/**
 * A connected client. Registration state, capabilities, channel and away status live here; the
 * hub (and the command handlers) decide what they mean. Output goes through `send`/`reply`/
 * `notice`, which queue encoded lines on the writer (one socket write per event-loop turn).
 */
export class IrcSession {
  readonly id = nextId++;
  readonly decoder = new LineDecoder();
  readonly writer: LineWriter;
  /** Where the client connects from, for logs only (never shown to other clients). */
  readonly peer: string;

  /** The nick asked for before registration; after it, the member's name is the nick. */
  nick: string | undefined;
  /** USER parameters (username cleaned for the `nick!user@host` source, real name shown by WHO/WHOIS). */
  user = '';
  realname = '';
  userGiven = false;
  /** The room member, from registration (001) until the connection ends. */
  member: Member | undefined;
  /** `nick!user@irc.netroom`, set at registration and on nick changes. */
  source = '';

  /** CAP LS/REQ seen and CAP END not yet: registration waits (IRCv3 capability negotiation). */
  capNegotiating = false;
  readonly caps = new Set<Capability>();
  /** Cached from `caps`: read once per delivered event. */
  serverTime = false;
  echoMessage = false;

  /** Whether the client sees #lobby (JOINed and not PARTed). Registration alone reserves the nick. */
  joined = false;
  away: string | undefined;
  oper = false;
  operFailures = 0;
  /** User modes the client may set on itself: +i and +w (accepted, no effect: there is no one to hide from). */
  readonly modes = new Set<string>();

  /** Time of the last line received (keepalive), of the PING we sent (0: none pending), of signon and speech. */
  lastActivity: number;
  pingSent = false;
  readonly connectedAt: number;
  lastSpoke: number;
  lastNickChange = 0;
  /** Set once the connection is on its way out: nothing more is read, handled or delivered. */
  closing = false;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;

  constructor(
    readonly socket: Socket,
    private readonly server: string,
    scheduler: FlushScheduler,
    sendQueueBytes: number,
    onOverflow: () => void,
  ) {
    this.writer = new LineWriter(socket, scheduler, sendQueueBytes, onOverflow);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.lastActivity = Date.now();
    this.connectedAt = this.lastActivity;
    this.lastSpoke = this.lastActivity;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** The nick numerics are addressed to: `*` until registered (RFC 2812 5). */
  get target(): string {
    return this.member?.name ?? '*';
  }

  /** Queue one line (without CR LF); cut to 510 bytes as a last resort. */
  send(line: string): void {
    this.writer.push(fitLine(line));
  }

  /** Queue already encoded lines (shared event buffers). */
  sendRaw(buf: Buffer): void {
    this.writer.push(buf);
  }

  /** A numeric reply from the server: `:server CODE target params...`. */
  reply(code: string, ...params: string[]): void {
    this.send(serialize({ source: this.server, command: code, params: [this.target, ...params] }));
  }

  /** A NOTICE from the server to this client, one per line of `text`, split to fit the line limit. */
  notice(text: string): void {
    const head = `:${this.server} NOTICE ${this.target} :`;
    // The text may quote what a client sent: a NUL or CR must not reach the wire.
    const clean = text.replace(/[\0\r]/gu, '');
    for (const piece of splitText(clean, MAX_BODY_BYTES - Buffer.byteLength(head))) this.send(head + piece);
  }

  /** Turn a capability on or off. */
  setCap(cap: Capability, on: boolean): void {
    if (on) this.caps.add(cap);
    else this.caps.delete(cap);
    this.serverTime = this.caps.has('server-time');
    this.echoMessage = this.caps.has('echo-message');
  }

  /** Close at once, dropping whatever is queued (a client that stopped reading gets nothing more). */
  abort(): void {
    this.writer.stop();
    this.socket.destroy();
  }

  /**
   * Send `ERROR :text` and close: what is queued is written first, then the socket ends; a peer
   * that does not read it within a moment is destroyed.
   */
  end(errorText?: string): void {
    if (errorText !== undefined) this.send(serialize({ command: 'ERROR', params: [errorText] }));
    this.writer.flush();
    this.writer.stop();
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
}
