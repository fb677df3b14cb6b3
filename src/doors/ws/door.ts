// The WebSocket chat door: connections of `GET /ws` onto the room (protocol: messages.ts), with keepalive.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { VERSION } from '../../cli/version.js';
import { NetroomError, isNetroomError } from '../../core/errors.js';
import type { LeaveReason, Member, RoomEvent } from '../../core/room.js';
import type { HistoryStore, StoredEvent } from '../../store/history.js';
import type { DoorContext } from '../door.js';
import { decodeClientMessage, encodeEventMessage, encodeServerMessage, encodeWelcome, frameText, wireEvent, wireStored } from './codec.js';
import { WsClient } from './client.js';
import { WsFanOut } from './fanout.js';
import { CLOSE_CODES, MAX_FRAME_BYTES, type ClientMessage, type ServerMessage } from './messages.js';

/** Options of the WebSocket door; every one has a default. */
export interface WsOptions {
  /** Events replayed in `welcome` (`--history`). Default 50. */
  historySize?: number;
  /** Keepalive: a ping every interval; no pong by the next one and the connection is dropped. Default 20000. */
  pingIntervalMs?: number;
  /** A member whose socket buffers more than this is closed (1008 "too slow"). Default 4 MiB. */
  maxBufferedBytes?: number;
  /** Invalid frames in a row after which the connection is closed (1008). Default 20. */
  maxInvalidFrames?: number;
  /** Frames above this get an error (the connection stays). Default {@link MAX_FRAME_BYTES}. */
  maxFrameBytes?: number;
  /** Frames above this close the connection (1009, ws's maxPayload). Default 1 MiB. */
  hardMaxFrameBytes?: number;
}

/** Default events replayed on entering. */
export const DEFAULT_HISTORY_SIZE = 50;
/** Default keepalive interval: a dead connection leaves within two intervals (40 s). */
export const DEFAULT_PING_INTERVAL_MS = 20_000;
/** Default bound on what one member's socket may buffer before it is dropped as too slow. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Default count of invalid frames in a row that makes a client abusive. */
export const DEFAULT_MAX_INVALID_FRAMES = 20;
/** Default size past which ws itself refuses a frame and closes with 1009. */
export const DEFAULT_HARD_MAX_FRAME_BYTES = 1024 * 1024;
/** How long a closing door waits for clients to answer its close frame before cutting them off. */
const CLOSE_GRACE_MS = 2000;

/** The history store's optional lookup of the stored form of the event just appended (SqliteHistory has it). */
type StoredOf = (event: RoomEvent) => StoredEvent | undefined;

/** `store.storedOf`, bound, when the store has one (it is not part of the HistoryStore interface). */
function storedOfFunction(store: HistoryStore | undefined): StoredOf | undefined {
  const candidate = (store as { storedOf?: unknown } | undefined)?.storedOf;
  return typeof candidate === 'function' ? (candidate as StoredOf).bind(store) : undefined;
}

/**
 * The WebSocket chat door. Behaviour beyond messages.ts:
 * - `enter` with the `resume` token of the live connection holding that name moves the member to
 *   the new connection: nobody sees a leave and a join; the old connection is closed with 4000.
 * - Event ids are the history store's ids when the store knows the event (so a client can match
 *   live events against a later `welcome` history), else the room's.
 * - Protocol errors (bad JSON, unknown type, wrong field types, frames over `maxFrameBytes`) get
 *   an `error` and the connection stays, until `maxInvalidFrames` in a row (closed with 1008).
 */
export class WsDoor {
  readonly name = 'ws';
  private readonly log: Logger;
  private readonly connections = new Set<WsClient>();
  private readonly byMember = new Map<Member, WsClient>();
  private readonly fanout: WsFanOut<WsClient>;
  private readonly historySize: number;
  private readonly pingIntervalMs: number;
  private readonly maxInvalidFrames: number;
  private readonly maxBufferedBytes: number;
  private readonly storedOf: StoredOf | undefined;
  /**
   * Events as JSON by store id: a welcome replays up to historySize events, and rendering them
   * for every person entering was most of the garbage of a crowd arriving (10,000 members: RSS
   * per member 11-18 KB with, 8-10 KB without). Bounded to twice the history size.
   */
  private readonly rendered = new Map<number, string>();
  private readonly renderedLimit: number;
  /** Encoded once: every connection starts with the same frame. */
  private readonly hello: string;
  readonly maxFrameBytes: number;
  readonly hardMaxFrameBytes: number;
  private unsubscribe: (() => void) | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  /** Set by the room's closing event or by stop(): new connections are turned away. */
  private closed = false;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly ctx: DoorContext,
    options: WsOptions = {},
  ) {
    this.log = ctx.log.child({ door: 'ws' });
    this.historySize = Math.max(0, Math.floor(options.historySize ?? DEFAULT_HISTORY_SIZE));
    this.renderedLimit = Math.max(64, 2 * this.historySize);
    this.pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    if (!(this.pingIntervalMs > 0)) throw new RangeError('pingIntervalMs must be above 0');
    this.maxInvalidFrames = options.maxInvalidFrames ?? DEFAULT_MAX_INVALID_FRAMES;
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.hardMaxFrameBytes = Math.max(this.maxFrameBytes, options.hardMaxFrameBytes ?? DEFAULT_HARD_MAX_FRAME_BYTES);
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.fanout = new WsFanOut<WsClient>(this.maxBufferedBytes, this.tooSlow);
    this.storedOf = storedOfFunction(ctx.history);
    this.hello = encodeServerMessage({ type: 'hello', server: 'netroom', version: VERSION, lang: ctx.lang });
  }

  /** Members in the room through this door. */
  get size(): number {
    return this.byMember.size;
  }

  /** Subscribe to the room and start the keepalive timer. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ctx.room.subscribe(this.onRoomEvent);
    this.pingTimer = setInterval(this.keepalive, this.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** Take a new connection (the upgrade is done); `from` is the peer's address, for the logs. */
  connect(ws: WebSocket, from: string): void {
    // ws 8 keeps the net.Socket in `_socket`; the fan-out writes pre-framed bytes to it.
    const socket = (ws as unknown as { _socket?: Duplex | null })._socket;
    ws.on('error', (err) => this.log.debug({ err, from }, 'ws connection error'));
    if (this.closed || !socket) {
      ws.close(CLOSE_CODES.goingAway, 'server closing');
      return;
    }
    const client = new WsClient(ws, socket, from);
    this.connections.add(client);
    ws.on('message', (data, isBinary) => this.onFrame(client, data, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.onClose(client));
    ws.send(this.hello);
  }

  /** The door closes (the HTTP door stops): members leave ('shutdown'), sockets close with 1001. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.fanout.flush();
    // Unsubscribed first: the other doors hear these leaves, our own members (all closing) do not.
    for (const client of this.connections) {
      const member = client.member;
      if (!member) continue;
      this.detach(client);
      this.ctx.room.leave(member, 'shutdown');
    }
    const waits: Promise<void>[] = [];
    for (const client of this.connections) {
      if (client.ws.readyState === WebSocket.CLOSED) continue;
      waits.push(new Promise((resolve) => client.ws.once('close', () => resolve())));
      client.ws.close(CLOSE_CODES.goingAway, 'server closing');
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([Promise.all(waits), grace]);
    clearTimeout(timer);
    for (const client of this.connections) client.ws.terminate();
    this.fanout.stop();
  }

  private onFrame(client: WsClient, data: RawData, isBinary: boolean): void {
    client.alive = true;
    if (this.closed) return;
    const size = Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    const decoded =
      size > this.maxFrameBytes
        ? { ok: false as const, error: new NetroomError('TOO_LARGE', `a frame is at most ${this.maxFrameBytes} bytes (this one has ${size})`) }
        : decodeClientMessage(data, isBinary);
    if (!decoded.ok) {
      client.invalid += 1;
      this.sendError(client, decoded.error, decoded.about);
      if (client.invalid > this.maxInvalidFrames) {
        this.log.info({ from: client.from, name: client.member?.name }, 'ws client closed: too many invalid frames');
        this.drop(client, 'disconnect', CLOSE_CODES.policy, 'too many invalid messages');
      }
      return;
    }
    client.invalid = 0;
    const message = decoded.message;
    try {
      this.dispatch(client, message);
    } catch (err) {
      this.sendError(client, err, message.type);
    }
  }

  private dispatch(client: WsClient, message: ClientMessage): void {
    switch (message.type) {
      case 'enter':
        this.enter(client, message.name, message.resume);
        return;
      case 'say':
        // Counted in netroom_messages_total by the server's own room listener (by the origin's door).
        this.ctx.room.say(this.memberOf(client), message.text);
        return;
      case 'who':
        // Allowed before entering too: the list is what `welcome` would show anyway.
        this.send(client, { type: 'members', members: this.ctx.room.who().map((m) => m.name) });
        return;
      case 'leave':
        // The leave event detaches the client (onRoomEvent); the connection stays and may enter again.
        this.ctx.room.leave(this.memberOf(client), 'quit');
        this.send(client, { type: 'left' });
        return;
    }
  }

  private memberOf(client: WsClient): Member {
    if (!client.member) throw new NetroomError('NOT_IN_ROOM', 'enter the room first');
    return client.member;
  }

  private enter(client: WsClient, name: string, resume: string | undefined): void {
    if (client.member) {
      throw new NetroomError('ALREADY_IN_ROOM', `this connection is already in the room as ${client.member.name}`);
    }
    const previous = resume === undefined ? undefined : this.resumable(name, resume);
    let member: Member;
    if (previous?.member) {
      member = previous.member;
      this.detach(previous);
      previous.ws.close(CLOSE_CODES.takenOver, 'resumed by another connection');
      this.log.info({ name: member.name, from: client.from, previous: previous.from }, 'ws member resumed');
    } else {
      member = this.ctx.room.enter(name, this.name);
      this.log.info({ name: member.name, from: client.from }, 'ws member entered');
    }
    const token = this.attach(client, member);
    const members = this.ctx.room.who().map((m) => m.name);
    this.sendText(client, encodeWelcome(member.name, members, this.history(), token.toString('base64url')));
  }

  /** The connection of ours holding `name` whose token is `resume`, if any (compared in constant time). */
  private resumable(name: string, resume: string): WsClient | undefined {
    let holder: Member | undefined;
    try {
      holder = this.ctx.room.find(name);
    } catch {
      return undefined; // not even a valid name: room.enter gives the precise error
    }
    const previous = holder ? this.byMember.get(holder) : undefined;
    const token = Buffer.from(resume, 'base64url');
    if (!previous?.token || previous.token.length !== token.length) return undefined;
    return timingSafeEqual(previous.token, token) ? previous : undefined;
  }

  /** Bind a member to a connection with a fresh resume token (returned). */
  private attach(client: WsClient, member: Member): Buffer {
    const token = randomBytes(18);
    client.member = member;
    client.token = token;
    this.byMember.set(member, client);
    this.fanout.add(client);
    return token;
  }

  private detach(client: WsClient): void {
    if (!client.member) return;
    this.fanout.remove(client); // before forgetting the member: it may owe the client this turn's frames
    this.byMember.delete(client.member);
    client.member = undefined;
    client.token = undefined;
  }

  /** The recent events as JSON, each rendered once (see {@link rendered}). */
  private history(): string[] {
    const store = this.ctx.history;
    if (!store || this.historySize === 0) return [];
    try {
      return store.recent(this.historySize).map((e) => this.rendered.get(e.id) ?? this.remember(e.id, JSON.stringify(wireStored(this.ctx.lang, e))));
    } catch (err) {
      // A broken store must not keep people out of the room.
      this.log.error({ err }, 'ws: reading history failed');
      return [];
    }
  }

  /** Keep an event's JSON by store id for later welcomes; the oldest go past a bound. */
  private remember(id: number, json: string): string {
    this.rendered.set(id, json);
    if (this.rendered.size > this.renderedLimit) {
      const oldest = this.rendered.keys().next();
      if (!oldest.done) this.rendered.delete(oldest.value);
    }
    return json;
  }

  /** Room events -> `event` frames, encoded and framed once, batched by the fan-out. */
  private readonly onRoomEvent = (event: RoomEvent): void => {
    if (event.kind === 'closing') {
      this.onClosing(event);
      return;
    }
    if (event.kind === 'leave' && event.origin) {
      const client = this.byMember.get(event.origin);
      if (client) {
        this.detach(client);
        this.log.info({ name: event.name, reason: event.reason, from: client.from }, 'ws member left');
      }
    }
    if (this.fanout.size === 0) return;
    const skip = event.kind === 'join' || event.kind === 'message' || event.kind === 'leave' ? event.origin : undefined;
    this.fanout.push(this.frameOf(event), skip);
  };

  private frameOf(event: RoomEvent): Buffer {
    const storedId = this.storedOf?.(event)?.id;
    const json = JSON.stringify(wireEvent(this.ctx.lang, event, storedId ?? event.id));
    // Only store ids name the same event in a later welcome; room ids restart with the server.
    if (storedId !== undefined) this.remember(storedId, json);
    return frameText(encodeEventMessage(json));
  }

  /** The room closes: what is queued, then the closing event to every member, then 1001 for all. */
  private onClosing(event: RoomEvent): void {
    this.closed = true;
    this.fanout.broadcastNow(this.frameOf(event));
    for (const client of this.connections) {
      // The room is already empty (members get no leave notices): only forget them here.
      this.detach(client);
      client.ws.close(CLOSE_CODES.goingAway, 'server closing');
    }
  }

  private onClose(client: WsClient): void {
    this.connections.delete(client);
    const member = client.member;
    if (member) this.ctx.room.leave(member, 'disconnect');
    this.detach(client); // if the room no longer had it (closed), the leave event did not detach it
  }

  /** Leave the room (if in it), then close or, for a dead peer, cut the connection. */
  private drop(client: WsClient, reason: LeaveReason, code: number | null, text = ''): void {
    const member = client.member;
    if (member) this.ctx.room.leave(member, reason);
    this.detach(client);
    if (code === null) client.ws.terminate();
    else client.ws.close(code, text);
  }

  private readonly tooSlow = (client: WsClient): void => {
    this.log.info({ name: client.member?.name, from: client.from, buffered: client.socket.writableLength }, 'ws client closed: too slow');
    this.drop(client, 'disconnect', CLOSE_CODES.policy, 'too slow');
  };

  /** Ping everyone; whoever did not answer the previous ping is gone ('timeout'). */
  private readonly keepalive = (): void => {
    for (const client of this.connections) {
      if (!client.open) continue;
      if (!client.alive) {
        this.log.debug({ name: client.member?.name, from: client.from }, 'ws client timed out');
        this.drop(client, 'timeout', null);
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  };

  /** A direct reply to one client (not batched: replies are rare and need no fan-out). */
  private send(client: WsClient, message: ServerMessage): void {
    this.sendText(client, encodeServerMessage(message));
  }

  private sendText(client: WsClient, text: string): void {
    if (!client.open) return;
    client.ws.send(text);
    // Replies can be big too (`members` of a large room): a client asking without reading is slow.
    if (client.socket.writableLength > this.maxBufferedBytes) this.tooSlow(client);
  }

  private sendError(client: WsClient, err: unknown, about: string | undefined): void {
    let error: NetroomError;
    if (isNetroomError(err)) {
      error = err;
    } else {
      // A bug, not the client's fault: log it, answer generically, keep serving.
      this.log.error({ err }, 'ws request failed');
      error = new NetroomError('IO_ERROR', 'internal server error');
    }
    this.ctx.metrics?.errors.inc({ door: 'ws', code: error.code });
    this.send(client, about === undefined ? { type: 'error', code: error.code, message: error.message } : { type: 'error', code: error.code, message: error.message, about });
  }
}
