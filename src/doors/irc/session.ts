// One IRC connection: its socket, line decoder, writer, what the client has negotiated, and labelled-response capture.
import type { Socket } from 'node:net';
import { plainAddress } from '../../core/access/addresses.js';
import type { AccountRole } from '../../core/access/roles.js';
import type { Member } from '../../core/chat/types.js';
import { LineDecoder, fitLine, serialize, splitText, MAX_BODY_BYTES } from './codec.js';
import { FlushScheduler, LineWriter } from './writer.js';

/** The IRCv3 capabilities the door offers (CAP LS), in the order listed. */
export const CAPABILITIES = [
  'account-notify',
  'account-tag',
  'away-notify',
  'batch',
  'draft/chathistory',
  'draft/message-redaction',
  'echo-message',
  'extended-join',
  'invite-notify',
  'labeled-response',
  'message-tags',
  'multi-prefix',
  'sasl',
  'server-time',
  'userhost-in-names',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Capabilities that exist only when the server has accounts (ctx.access). */
export const ACCOUNT_CAPABILITIES: ReadonlySet<Capability> = new Set(['account-notify', 'account-tag', 'sasl']);

/** An SASL exchange under way (IRCv3 sasl-3.1): the mechanism chosen and the base64 chunks so far. */
export interface SaslExchange {
  readonly mechanism: 'PLAIN';
  data: string;
}

/** How long an ending connection may take to flush its last lines before it is destroyed. */
const LINGER_MS = 2000;

let nextId = 1;

/**
 * A connected client. Registration state, capabilities and user modes live here; the hub (and
 * the command handlers) decide what they mean. Output goes through `send`/`reply`/`notice`, which
 * queue encoded lines on the writer (one socket write per event-loop turn) - or, while a
 * labelled command runs, into `captured`, so the hub can label the response (IRCv3 labeled-response).
 */
export class IrcSession {
  readonly id = nextId++;
  readonly decoder = new LineDecoder();
  readonly writer: LineWriter;
  /** Where the client connects from, for logs only (never shown to other clients). */
  readonly peer: string;
  /** The client's IP address (bans by address, the sign-in rate limit); never shown to other clients. */
  readonly address: string;
  /** The connection is TLS (the ircs port): passwords may cross it (see passwordAllowed). */
  readonly tls: boolean;

  /** The account this client signed in as (SASL or PASS), from then on. */
  account: { readonly name: string; readonly role: AccountRole } | undefined;
  /** An SASL exchange waiting for the client's data, if any. */
  sasl: SaslExchange | null = null;
  /** `PASS` given before registration: tried as `account:password` at registration. */
  password: string | undefined;
  /**
   * A password check (SASL, PASS, OPER) is under way: lines that arrive meanwhile wait in `held`,
   * in order, so registration and the commands after it see its outcome.
   */
  verifying = false;
  readonly held: Buffer[] = [];

  /** The nick asked for before registration; after it, the member's name is the nick. */
  nick: string | undefined;
  /** USER parameters (username cleaned for the `nick!user@host` source, real name shown by WHO/WHOIS). */
  user = '';
  realname = '';
  userGiven = false;
  /** The chat member, from registration (001) until the connection ends. */
  member: Member | undefined;
  /** `nick!user@irc.netroom`, set at registration and on nick changes. */
  source = '';

  /** CAP LS/REQ seen and CAP END not yet: registration waits (IRCv3 capability negotiation). */
  capNegotiating = false;
  readonly caps = new Set<Capability>();
  /** Cached from `caps`: read once per delivered event. */
  serverTime = false;
  echoMessage = false;
  messageTags = false;
  /** Which tagged variant of an event this client gets: bit 1 server-time, bit 2 msgid (message-tags), bit 4 account (account-tag). */
  tagMode = 0;
  extendedJoin = false;
  awayNotify = false;
  multiPrefix = false;
  userhostInNames = false;
  batch = false;
  labeledResponse = false;
  chathistory = false;
  /** IRCv3 draft/message-redaction: deletions arrive as REDACT (others get a server NOTICE). */
  redaction = false;
  inviteNotify = false;
  accountTag = false;

  oper = false;
  operFailures = 0;
  /** User modes the client may set on itself: +i and +w (accepted, no effect: there is no one to hide from). */
  readonly modes = new Set<string>();

  /** Time of the last line received (keepalive), of signon and of speech. */
  lastActivity: number;
  pingSent = false;
  readonly connectedAt: number;
  lastSpoke: number;
  lastNickChange = 0;
  /** Set once the connection is on its way out: nothing more is read, handled or delivered. */
  closing = false;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  /** While a labelled command runs: its output, held back to be labelled (see IrcHub.handleLine). */
  captured: Buffer[] | null = null;
  /**
   * While a command waits for the history store (awaited.ts): every other line for this client
   * (live events, PING, notices), held back so the command's reply goes out first. Null otherwise.
   */
  deferred: Buffer[] | null = null;
  /** Store ids of the events among the deferred lines (a JOIN's replay leaves them out: they follow live). */
  readonly heard = new Set<number>();
  /** The waiting command itself is sending (inside respond()): its lines are its reply, not deferred. */
  private responding = false;

  constructor(
    readonly socket: Socket,
    private readonly server: string,
    scheduler: FlushScheduler,
    sendQueueBytes: number,
    onOverflow: () => void,
  ) {
    this.writer = new LineWriter(socket, scheduler, sendQueueBytes, onOverflow);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.address = plainAddress(socket.remoteAddress ?? '');
    // A TLS socket from the ircs listener has `encrypted` set (node:tls TLSSocket).
    this.tls = (socket as Socket & { encrypted?: boolean }).encrypted === true;
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
    this.sendRaw(fitLine(line));
  }

  /** Queue already encoded lines (shared event buffers). */
  sendRaw(buf: Buffer): void {
    if (this.deferred !== null && !this.responding) this.deferred.push(buf);
    else if (this.captured !== null) this.captured.push(buf);
    else this.writer.push(buf);
  }

  /**
   * Run part of a command that has awaited the store: what it sends is the command's reply (labelled
   * with it, ahead of the deferred lines). Nothing runs once the connection is on its way out.
   */
  respond<R>(send: () => R): R | undefined {
    if (this.closing) return undefined;
    const was = this.responding;
    this.responding = true;
    try {
      return send();
    } finally {
      this.responding = was;
    }
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
    const has = (c: Capability): boolean => this.caps.has(c);
    this.serverTime = has('server-time');
    this.echoMessage = has('echo-message');
    this.messageTags = has('message-tags');
    this.accountTag = has('account-tag');
    this.tagMode = (this.serverTime ? 1 : 0) | (this.messageTags ? 2 : 0) | (this.accountTag ? 4 : 0);
    this.extendedJoin = has('extended-join');
    this.awayNotify = has('away-notify');
    this.multiPrefix = has('multi-prefix');
    this.userhostInNames = has('userhost-in-names');
    this.batch = has('batch');
    this.labeledResponse = has('labeled-response');
    this.chathistory = has('draft/chathistory');
    this.redaction = has('draft/message-redaction');
    this.inviteNotify = has('invite-notify');
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
    if (this.captured !== null) {
      for (const buf of this.captured) this.writer.push(buf);
      this.captured = null;
    }
    if (this.deferred !== null) {
      for (const buf of this.deferred) this.writer.push(buf);
      this.deferred = null;
    }
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
