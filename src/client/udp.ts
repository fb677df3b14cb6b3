// A seed-protocol UDP chat client (SPEC 3.1) for the CLI and the tests; works with netroom and the seeds' server.
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { EXIT, MAX_DATAGRAM, OK, PADDED_REQUEST, encodeRequest } from '../doors/udp/codec.js';

/** Options of a {@link UdpChatClient}. */
export interface UdpChatClientOptions {
  readonly host: string;
  readonly port: number;
  /** How long to wait for `OK` (enter) or `EXIT` (quit); `L` is sent again halfway. Default 3000. */
  readonly timeoutMs?: number;
  /** Send `H NAME` every this many ms while in the room; 0 or absent: never (the seeds' server ignores H). */
  readonly heartbeatMs?: number;
}

/** Why a client call failed: the server said no, nobody answered, the network failed, or wrong state. */
export type UdpChatErrorKind = 'refused' | 'timeout' | 'network' | 'state';

/** A failure of the client; for `refused` the message is the server's own text. */
export class UdpChatError extends Error {
  constructor(
    readonly kind: UdpChatErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'UdpChatError';
  }
}

/** Events: `notice` (text without the seed's leading `\n`), `exit` (the server ended the session), `error` (network). */
export interface UdpChatClientEvents {
  notice: [text: string];
  exit: [];
  error: [err: UdpChatError];
}

/** The stable error code in a netroom error text (`ERROR CODE: ...` or zh `... (CODE)`), if any. */
export function errorCodeOf(text: string): string | undefined {
  return parseErrorText(text).code;
}

/**
 * A netroom error text split into its code and its message: `ERROR CODE: message` (English) or
 * `message (CODE)` (Chinese, the seeds' style). Other text (the seeds' own server) is all message.
 */
export function parseErrorText(text: string): { code?: string; message: string } {
  const en = /^ERROR ([A-Z_]+): ?(.*)$/su.exec(text);
  if (en?.[1] !== undefined) return { code: en[1], message: en[2] ?? '' };
  const zh = /^(.*?) ?\(([A-Z_]+)\)$/su.exec(text);
  if (zh?.[2] !== undefined) return { code: zh[2], message: zh[1] ?? '' };
  return { message: text };
}

type State = 'idle' | 'entering' | 'in' | 'quitting' | 'closed';
const EXIT_BYTES = Buffer.from(EXIT);
const OK_BYTES = Buffer.from(OK);
/** A split never backs up more than 3 bytes (the continuation bytes of one character). */
const FULL_DATAGRAM = MAX_DATAGRAM - 3;

/** A chat session over the seed UDP protocol: enter, say, direct messages (netroom only), quit; incoming notices as events. */
export class UdpChatClient extends EventEmitter<UdpChatClientEvents> {
  private readonly timeoutMs: number;
  private socket: Socket | null = null;
  private state: State = 'idle';
  private name = '';
  /** Set while enter() or quit() waits for the server's answer. */
  private waiter: ((reply: Buffer) => void) | null = null;
  private failWaiter: ((err: UdpChatError) => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** A notice that filled a whole datagram: the rest may follow in continuation datagrams. */
  private partial: Buffer[] = [];
  private partialTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: UdpChatClientOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /** The name this client is in the room with ('' before entering). */
  get memberName(): string {
    return this.state === 'in' || this.state === 'quitting' ? this.name : '';
  }

  /** `host:port` of the server, for messages. */
  get target(): string {
    const { host, port } = this.options;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /**
   * Enter the room as `name`. Resolves on `OK`; rejects with kind `refused` and the server's text
   * (the caller may try another name), or `timeout`/`network` when the server cannot be reached.
   */
  async enter(name: string): Promise<void> {
    if (this.state !== 'idle') throw new UdpChatError('state', `cannot enter while ${this.state}`);
    this.state = 'entering';
    try {
      await this.open();
      // Padded: netroom answers a source that has not entered with no more bytes than it sent.
      const request = encodeRequest({ kind: 'L', name }, PADDED_REQUEST);
      const reply = await this.ask(request, this.timeoutMs / 2);
      if (!reply.equals(OK_BYTES)) {
        const text = reply.toString('utf8').replace(/^\n/, '');
        throw new UdpChatError('refused', text, errorCodeOf(text));
      }
    } catch (err) {
      if (this.state === 'entering') this.state = 'idle';
      throw err;
    }
    this.name = name;
    this.state = 'in';
    this.startHeartbeat();
  }

  /** Say `text` (fire-and-forget: a refusal comes back as a notice, e.g. `ERROR RATE_LIMITED: ...`). */
  say(text: string): void {
    if (this.state !== 'in') throw new UdpChatError('state', 'not in the room');
    this.write(encodeRequest({ kind: 'C', name: this.name, text }));
  }

  /**
   * Say `text` privately to the member called `to`, on any door (`M NAME TO TEXT`, netroom's
   * extension: the seeds' server ignores it). Fire-and-forget as say(): a refusal comes back as a
   * notice, e.g. `ERROR NO_SUCH_MEMBER: ...`; the message itself is not echoed back.
   */
  dm(to: string, text: string): void {
    if (this.state !== 'in') throw new UdpChatError('state', 'not in the room');
    this.write(encodeRequest({ kind: 'M', name: this.name, to, text }));
  }

  /** Leave: sends `Q`, resolves on `EXIT` (or a NOT_IN_ROOM answer, or the timeout), then closes. */
  async quit(): Promise<void> {
    if (this.state !== 'in') {
      this.close();
      return;
    }
    this.state = 'quitting';
    this.stopHeartbeat();
    try {
      await this.ask(encodeRequest({ kind: 'Q', name: this.name }, PADDED_REQUEST), 0);
    } catch {
      // No EXIT in time or the network went: we are leaving anyway.
    }
    this.close();
  }

  /** Close the socket without saying goodbye (the server keeps the name until a heartbeat timeout). */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopHeartbeat();
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.failWaiter?.(new UdpChatError('state', 'the client was closed'));
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private async open(): Promise<void> {
    if (this.socket) return;
    const { host, port } = this.options;
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('message', this.onDatagram);
    socket.on('error', this.onError);
    // Connected: the kernel filters out datagrams from anyone but the server, and an ICMP "port
    // unreachable" surfaces as ECONNREFUSED at once instead of a silent timeout.
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => reject(networkError(err, this.target));
      socket.once('error', failed);
      socket.connect(port, host, () => {
        socket.off('error', failed);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(1024 * 1024); // a busy room sends bursts
    } catch {
      // Keep the system default.
    }
  }

  /** Send `request` and wait for the next datagram; resend after `retryMs` (0: never); fail after the timeout. */
  private ask(request: Buffer, retryMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const done = (): void => {
        timers.forEach(clearTimeout);
        this.waiter = null;
        this.failWaiter = null;
      };
      this.waiter = (reply) => {
        done();
        resolve(reply);
      };
      this.failWaiter = (err) => {
        done();
        reject(err);
      };
      if (retryMs > 0) timers.push(setTimeout(() => this.write(request), retryMs));
      timers.push(
        setTimeout(
          () => this.failWaiter?.(new UdpChatError('timeout', `no answer from ${this.target} within ${this.timeoutMs / 1000} s (is the server running?)`)),
          this.timeoutMs,
        ),
      );
      this.write(request);
    });
  }

  private write(buf: Buffer): void {
    // Connected socket: no address. A send error surfaces on 'error'.
    this.socket?.send(buf);
  }

  private readonly onError = (err: Error): void => {
    const error = networkError(err, this.target);
    if (this.failWaiter) {
      this.failWaiter(error);
      return;
    }
    if (this.state === 'in') {
      this.close();
      this.emit('error', error);
    }
  };

  private readonly onDatagram = (buf: Buffer): void => {
    if (this.state === 'entering') {
      this.waiter?.(buf);
      return;
    }
    if (this.state !== 'in' && this.state !== 'quitting') return;
    if (buf.equals(EXIT_BYTES)) {
      this.flushPartial();
      if (this.state === 'quitting') {
        this.waiter?.(buf);
      } else {
        this.close();
        this.emit('exit');
      }
      return;
    }
    if (buf.equals(OK_BYTES)) return; // a second OK, answering our retried L
    if (this.state === 'quitting' && errorCodeOf(buf.toString('utf8').replace(/^\n/, '')) === 'NOT_IN_ROOM') {
      this.waiter?.(buf); // already gone (e.g. timed out): as good as EXIT
      return;
    }
    this.collect(buf);
  };

  /**
   * netroom splits a long notice into datagrams of at most 1024 bytes at UTF-8 boundaries (so a
   * full one is 1021-1024 bytes), only the first starting with `\n`: a full datagram may be
   * continued, and the next datagram without `\n` continues it.
   */
  private collect(buf: Buffer): void {
    if (this.partial.length > 0 && buf[0] === 0x0a) this.flushPartial();
    this.partial.push(buf);
    if (buf.length >= FULL_DATAGRAM) {
      // Probably more to come; a notice that just fills a datagram is let out after a short wait.
      if (this.partialTimer) clearTimeout(this.partialTimer);
      this.partialTimer = setTimeout(() => this.flushPartial(), 200);
      this.partialTimer.unref();
      return;
    }
    this.flushPartial();
  }

  private flushPartial(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
    if (this.partial.length === 0) return;
    const text = Buffer.concat(this.partial).toString('utf8');
    this.partial = [];
    this.emit('notice', text.startsWith('\n') ? text.slice(1) : text);
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? 0;
    if (!(every > 0)) return;
    const beat = encodeRequest({ kind: 'H', name: this.name }, PADDED_REQUEST);
    this.write(beat); // at once, so the server knows this client heartbeats
    this.heartbeat = setInterval(() => this.write(beat), every);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

function networkError(err: Error, target: string): UdpChatError {
  if (err instanceof UdpChatError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return new UdpChatError('network', `${target} refused: nothing listens there`, code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UdpChatError('network', `cannot resolve the host of ${target}`, code);
    default:
      return new UdpChatError('network', `network error talking to ${target}: ${err.message}`, code);
  }
}
