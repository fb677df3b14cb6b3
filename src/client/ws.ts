// WebSocket chat client (GET /ws): enter, say, who, leave; keepalive pings; reconnects and re-enters with the resume token.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { CLOSE_CODES, type ClientMessage, type ServerMessage, type WireEvent } from '../doors/ws/messages.js';

/** Options of a {@link WsChatClient}; every timing has a default. */
export interface WsChatClientOptions {
  /** The chat endpoint, e.g. `ws://127.0.0.1:8080/ws` (see chatUrl in http.ts). */
  readonly url: URL | string;
  /** Reconnect (and re-enter with the same name) when the connection drops. Default true. */
  readonly reconnect?: boolean;
  /** First reconnect delay (ms); doubled per attempt up to `maxDelayMs`. Default 250. */
  readonly initialDelayMs?: number;
  /** Longest reconnect delay (ms). Default 8000. */
  readonly maxDelayMs?: number;
  /** Reconnect attempts before giving up. Default 10 (about a minute). */
  readonly maxAttempts?: number;
  /** How long to wait for a connection or an answer (ms). Default 10000. */
  readonly timeoutMs?: number;
  /** Ping the server this often (ms) and treat a missing pong by the next ping as a dead connection; 0: off. Default 20000. */
  readonly pingIntervalMs?: number;
}

/** Why a client call failed: the server said no, no answer in time, the network, or the wrong state. */
export type WsChatErrorKind = 'refused' | 'timeout' | 'network' | 'state';

/** A failure of the client; for `refused` the message is the server's own and `code` its stable code. */
export class WsChatError extends Error {
  constructor(
    readonly kind: WsChatErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WsChatError';
  }
}

/** The `welcome` answer: the name we have, who is here, recent history and the resume token. */
export type Welcome = Extract<ServerMessage, { type: 'welcome' }>;
/** A refusal the server sent that answers no pending call (e.g. a `say` over the flood limit). */
export type ServerError = Extract<ServerMessage, { type: 'error' }>;

/** Events of a {@link WsChatClient}. */
export interface WsChatClientEvents {
  /** Something happened in the room. */
  event: [event: WireEvent];
  /** The server refused something fire-and-forget (a `say`). */
  refused: [error: ServerError];
  /** The connection dropped; the next attempt comes after `delayMs`. */
  reconnecting: [info: { attempt: number; delayMs: number; reason: string }];
  /** Back in the room under the same name; `missed` are the history events after the last one seen. */
  reconnected: [welcome: Welcome, missed: WireEvent[]];
  /** The session is over for good: reconnecting failed or was refused, or the connection dropped with reconnect off. */
  lost: [error: WsChatError];
}

type Answer = 'hello' | 'welcome' | 'members' | 'left';
/** Which client request each answer belongs to (an `error` names the request in `about`). */
const ANSWERS: Readonly<Record<Answer, string>> = { hello: 'hello', welcome: 'enter', members: 'who', left: 'leave' };
type State = 'idle' | 'connected' | 'in' | 'reconnecting' | 'closed';

interface Waiter {
  readonly type: Answer;
  readonly resolve: (msg: ServerMessage) => void;
  readonly reject: (err: WsChatError) => void;
}

/** A chat session over the netroom WebSocket protocol (src/doors/ws/messages.ts). */
export class WsChatClient extends EventEmitter<WsChatClientEvents> {
  private readonly url: URL;
  private readonly timeoutMs: number;
  private socket: WebSocket | null = null;
  private state: State = 'idle';
  private waiters: Waiter[] = [];
  private name = '';
  private resumeToken = '';
  /** The newest event id seen, so a re-entry shows only what was missed. */
  private lastEventId = 0;
  private pinger: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: WsChatClientOptions) {
    super();
    this.url = new URL(options.url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `host:port` of the server, for messages. */
  get target(): string {
    return this.url.host;
  }

  /** The name this client is in the room with ('' when not in). */
  get memberName(): string {
    return this.state === 'in' || this.state === 'reconnecting' ? this.name : '';
  }

  /** True while connected and in the room (false while reconnecting). */
  get inRoom(): boolean {
    return this.state === 'in';
  }

  /** Open the connection and wait for the server's `hello`. */
  async connect(): Promise<Extract<ServerMessage, { type: 'hello' }>> {
    if (this.state !== 'idle') throw new WsChatError('state', `cannot connect while ${this.state}`);
    try {
      const hello = await this.open();
      this.state = 'connected';
      return hello;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Enter as `name`; rejects with kind `refused` (and the server's code) when the server says no. */
  async enter(name: string): Promise<Welcome> {
    if (this.state !== 'connected') throw new WsChatError('state', this.state === 'in' ? 'already in the room' : 'not connected');
    const welcome = (await this.ask({ type: 'enter', name }, 'welcome')) as Welcome;
    this.entered(welcome);
    return welcome;
  }

  /** Say `text`; a refusal arrives later as a `refused` event. Throws (kind `state`) while not in the room. */
  say(text: string): void {
    if (this.state !== 'in') throw new WsChatError('state', this.state === 'reconnecting' ? 'not connected right now (reconnecting)' : 'not in the room');
    this.send({ type: 'say', text });
  }

  /** Who is in the room. */
  async who(): Promise<string[]> {
    if (this.state !== 'in') throw new WsChatError('state', this.state === 'reconnecting' ? 'not connected right now (reconnecting)' : 'not in the room');
    const answer = (await this.ask({ type: 'who' }, 'members')) as Extract<ServerMessage, { type: 'members' }>;
    return [...answer.members];
  }

  /** Leave the room (waits for `left`, or gives up after the timeout), then close. */
  async leave(): Promise<void> {
    if (this.state === 'in') {
      this.state = 'connected'; // a drop from now on is not a reason to reconnect
      await this.ask({ type: 'leave' }, 'left').catch(() => undefined);
    }
    this.close();
  }

  /** Close at once, without saying goodbye; no more reconnecting. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopTimers();
    this.failWaiters(new WsChatError('state', 'the client was closed'));
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      else socket.terminate();
    }
  }

  /** Open a socket, wire it, and wait for `hello`. */
  private open(): Promise<Extract<ServerMessage, { type: 'hello' }>> {
    const socket = new WebSocket(this.url, { handshakeTimeout: this.timeoutMs, maxPayload: 4 * 1024 * 1024 });
    this.socket = socket;
    const hello = this.wait('hello') as Promise<Extract<ServerMessage, { type: 'hello' }>>;
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket && !isBinary) this.dispatch(textOf(data));
    });
    socket.on('pong', () => {
      (socket as WebSocket & { netroomAwaitingPong?: boolean }).netroomAwaitingPong = false;
    });
    socket.on('error', (err) => {
      if (socket === this.socket) this.failWaiters(describe(err, this.target));
    });
    socket.on('close', (code) => {
      if (socket === this.socket) this.dropped(code);
    });
    socket.on('open', () => this.startPinger(socket));
    return hello;
  }

  /** The connection is gone: fail what waits; reconnect when we were in the room. */
  private dropped(code: number): void {
    this.stopTimers();
    this.socket = null;
    this.failWaiters(new WsChatError('network', `the connection to ${this.target} was lost`));
    if (code === CLOSE_CODES.takenOver && this.state === 'in') {
      // Another connection resumed our name with our token: reconnecting would take it back and
      // forth between the two for ever.
      this.state = 'closed';
      this.emit('lost', new WsChatError('refused', 'another connection took over this name (with its resume token)', 'TAKEN_OVER'));
    } else if (this.state === 'in' && (this.options.reconnect ?? true)) {
      this.state = 'reconnecting';
      this.scheduleReconnect(1, 'the connection was lost');
    } else if (this.state === 'in' || this.state === 'connected') {
      this.state = 'closed';
      this.emit('lost', new WsChatError('network', `the connection to ${this.target} was lost`));
    }
  }

  private scheduleReconnect(attempt: number, reason: string): void {
    const max = this.options.maxAttempts ?? 10;
    if (attempt > max) {
      this.state = 'closed';
      this.emit('lost', new WsChatError('network', `could not reconnect to ${this.target} after ${max} attempts (${reason})`));
      return;
    }
    const initial = this.options.initialDelayMs ?? 250;
    const delayMs = Math.min(initial * 2 ** (attempt - 1), this.options.maxDelayMs ?? 8000);
    this.emit('reconnecting', { attempt, delayMs, reason });
    this.retryTimer = setTimeout(() => void this.reconnect(attempt), delayMs);
  }

  private async reconnect(attempt: number): Promise<void> {
    this.retryTimer = null;
    if (this.state !== 'reconnecting') return;
    try {
      await this.open();
      const welcome = (await this.ask({ type: 'enter', name: this.name, resume: this.resumeToken }, 'welcome')) as Welcome;
      if (this.state !== 'reconnecting') return; // closed meanwhile
      // What happened after the last event we saw, less our own doings (the server never echoes
      // our joins, messages and leaves to us, so their ids say nothing about what we saw).
      const ours = (e: WireEvent): boolean => (e.kind === 'join' || e.kind === 'message' || e.kind === 'leave') && e.name === welcome.name;
      const missed = welcome.history.filter((e) => e.kind !== 'closing' && e.id > this.lastEventId && !ours(e));
      this.entered(welcome);
      this.emit('reconnected', welcome, missed);
    } catch (err) {
      if (this.state !== 'reconnecting') return;
      const error = err instanceof WsChatError ? err : describe(err, this.target);
      if (error.kind === 'refused') {
        // Someone else has the name now, or the server says no for good: retrying will not help.
        this.close();
        this.emit('lost', new WsChatError('refused', `could not enter again as ${this.name}: ${error.message}`, error.code));
        return;
      }
      const socket = this.socket;
      this.socket = null;
      this.stopTimers();
      socket?.terminate();
      this.scheduleReconnect(attempt + 1, error.message);
    }
  }

  private entered(welcome: Welcome): void {
    this.name = welcome.name;
    this.resumeToken = welcome.resume;
    for (const e of welcome.history) if (e.kind !== 'closing') this.lastEventId = Math.max(this.lastEventId, e.id);
    this.state = 'in';
  }

  private dispatch(text: string): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(text) as ServerMessage;
    } catch {
      return; // not ours to fix: a frame that is not JSON is skipped
    }
    if (typeof msg !== 'object' || msg === null) return;
    switch (msg.type) {
      case 'event':
        if (msg.event.kind !== 'closing') this.lastEventId = Math.max(this.lastEventId, msg.event.id);
        this.emit('event', msg.event);
        return;
      case 'error': {
        const waiter = this.waiters.find((w) => ANSWERS[w.type] === msg.about) ?? (msg.about === undefined ? this.waiters[0] : undefined);
        if (waiter) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.reject(new WsChatError('refused', msg.message, msg.code));
        } else {
          this.emit('refused', msg);
        }
        return;
      }
      case 'hello':
      case 'welcome':
      case 'members':
      case 'left': {
        const index = this.waiters.findIndex((w) => w.type === msg.type);
        const waiter = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
        waiter?.resolve(msg);
        return;
      }
    }
  }

  private ask(message: ClientMessage, answer: Answer): Promise<ServerMessage> {
    const reply = this.wait(answer);
    this.send(message);
    return reply;
  }

  private wait(type: Answer): Promise<ServerMessage> {
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WsChatError('timeout', `no answer from ${this.target} within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      const waiter: Waiter = {
        type,
        resolve: (msg) => {
          clearTimeout(timer);
          resolve(msg);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private send(message: ClientMessage): void {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) throw new WsChatError('state', 'not connected');
    socket.send(JSON.stringify(message));
  }

  private failWaiters(err: WsChatError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }

  /** Ping now and then: a connection whose pong does not come back by the next ping is dead (half-open). */
  private startPinger(socket: WebSocket): void {
    const every = this.options.pingIntervalMs ?? 20_000;
    if (!(every > 0)) return;
    const marked = socket as WebSocket & { netroomAwaitingPong?: boolean };
    this.pinger = setInterval(() => {
      if (marked.netroomAwaitingPong === true) {
        socket.terminate(); // 'close' follows, and with it the reconnect
        return;
      }
      marked.netroomAwaitingPong = true;
      socket.ping();
    }, every);
    this.pinger.unref();
  }

  private stopTimers(): void {
    if (this.pinger) clearInterval(this.pinger);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pinger = null;
    this.retryTimer = null;
  }
}

/** The text of a frame (ws hands over a Buffer, an ArrayBuffer or fragments). */
function textOf(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** A one-line reason for a socket failure. */
function describe(err: unknown, target: string): WsChatError {
  if (err instanceof WsChatError) return err;
  const e = err as (Error & { code?: string }) | undefined;
  const message = e?.message ?? String(err);
  if (e?.code === 'ECONNREFUSED') return new WsChatError('network', `cannot connect to ${target}: connection refused (is the server running?)`, e.code);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new WsChatError('network', `cannot connect to ${target}: unknown host`, e.code);
  const status = /Unexpected server response: (\d+)/u.exec(message)?.[1];
  if (status !== undefined) return new WsChatError('network', `${target} has no WebSocket chat at this URL (HTTP ${status})`);
  return new WsChatError('network', `cannot talk to ${target}: ${message}`, e?.code);
}
