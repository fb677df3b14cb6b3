// The WebSocket chat door: connections of `GET /ws` onto the room (protocol: messages.ts), composed of the modules beside it.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { VERSION } from '../../cli/version.js';
import { NetroomError } from '../../core/errors.js';
import type { LeaveReason, Member, RoomEvent } from '../../core/room.js';
import type { DoorContext } from '../door.js';
import { decodeClientMessage, encodeEventMessage, encodeServerMessage, encodeWelcome, frameText } from './codec.js';
import { WsClient } from './client.js';
import { WsFanOut } from './fanout.js';
import { RenderedHistory } from './history.js';
import { WsKeepalive } from './keepalive.js';
import { CLOSE_CODES, type ClientMessage } from './messages.js';
import { resolveWsOptions, type WsOptions } from './options.js';
import { WsReplies } from './replies.js';
import { WsSessions } from './sessions.js';

// Moved to options.ts; re-exported so importers of door.js keep working.
export {
  DEFAULT_HARD_MAX_FRAME_BYTES,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_INVALID_FRAMES,
  DEFAULT_PING_INTERVAL_MS,
  type WsOptions,
} from './options.js';

/** How long a closing door waits for clients to answer its close frame before cutting them off. */
const CLOSE_GRACE_MS = 2000;

/**
 * The WebSocket chat door. Behaviour beyond messages.ts:
 * - `enter` with the `resume` token of the live connection holding that name moves the member to
 *   the new connection: nobody sees a leave and a join; the old connection is closed with 4000
 *   (sessions.ts).
 * - Event ids are the history store's ids when the store knows the event (history.ts).
 * - Protocol errors (bad JSON, unknown type, wrong field types, frames over `maxFrameBytes`) get
 *   an `error` and the connection stays, until `maxInvalidFrames` in a row (closed with 1008).
 * - A ping every `pingIntervalMs`; no pong by the next one and the member leaves (keepalive.ts).
 */
export class WsDoor {
  readonly name = 'ws';
  private readonly log: Logger;
  private readonly connections = new Set<WsClient>();
  private readonly fanout: WsFanOut<WsClient>;
  private readonly sessions: WsSessions;
  private readonly history: RenderedHistory;
  private readonly keepalive: WsKeepalive;
  private readonly replies: WsReplies;
  private readonly maxInvalidFrames: number;
  /** Encoded once: every connection starts with the same frame. */
  private readonly hello: string;
  readonly maxFrameBytes: number;
  readonly hardMaxFrameBytes: number;
  private unsubscribe: (() => void) | null = null;
  /** Set by the room's closing event or by stop(): new connections are turned away. */
  private closed = false;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly ctx: DoorContext,
    options: WsOptions = {},
  ) {
    this.log = ctx.log.child({ door: 'ws' });
    const settings = resolveWsOptions(options);
    this.maxInvalidFrames = settings.maxInvalidFrames;
    this.maxFrameBytes = settings.maxFrameBytes;
    this.hardMaxFrameBytes = settings.hardMaxFrameBytes;
    this.fanout = new WsFanOut<WsClient>(settings.maxBufferedBytes, this.tooSlow);
    this.sessions = new WsSessions(this.fanout, (name) => ctx.room.find(name));
    this.history = new RenderedHistory(ctx.history, settings.historySize, ctx.lang, this.log);
    this.keepalive = new WsKeepalive(settings.pingIntervalMs, this.connections, this.timedOut);
    this.replies = new WsReplies(this.log, ctx.metrics, settings.maxBufferedBytes, this.tooSlow);
    this.hello = encodeServerMessage({ type: 'hello', server: 'netroom', version: VERSION, lang: ctx.lang });
  }

  /** Members in the room through this door. */
  get size(): number {
    return this.sessions.size;
  }

  /** Subscribe to the room and start the keepalive timer. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ctx.room.subscribe(this.onRoomEvent);
    this.keepalive.start();
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
    this.keepalive.stop();
    this.fanout.flush();
    // Unsubscribed first: the other doors hear these leaves, our own members (all closing) do not.
    for (const client of this.connections) {
      const member = client.member;
      if (!member) continue;
      this.sessions.detach(client);
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
      this.replies.sendError(client, decoded.error, decoded.about);
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
      this.replies.sendError(client, err, message.type);
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
        this.replies.send(client, { type: 'members', members: this.ctx.room.who().map((m) => m.name) });
        return;
      case 'leave':
        // The leave event detaches the client (onRoomEvent); the connection stays and may enter again.
        this.ctx.room.leave(this.memberOf(client), 'quit');
        this.replies.send(client, { type: 'left' });
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
    const previous = resume === undefined ? undefined : this.sessions.resumable(name, resume);
    let member: Member;
    if (previous?.member) {
      member = previous.member;
      this.sessions.detach(previous);
      previous.ws.close(CLOSE_CODES.takenOver, 'resumed by another connection');
      this.log.info({ name: member.name, from: client.from, previous: previous.from }, 'ws member resumed');
    } else {
      member = this.ctx.room.enter(name, this.name);
      this.log.info({ name: member.name, from: client.from }, 'ws member entered');
    }
    const token = this.sessions.attach(client, member);
    const members = this.ctx.room.who().map((m) => m.name);
    this.replies.sendText(client, encodeWelcome(member.name, members, this.history.recent(), token.toString('base64url')));
  }

  /** Room events -> `event` frames, encoded and framed once, batched by the fan-out. */
  private readonly onRoomEvent = (event: RoomEvent): void => {
    if (event.kind === 'closing') {
      this.onClosing(event);
      return;
    }
    if (event.kind === 'leave' && event.origin) {
      const client = this.sessions.clientOf(event.origin);
      if (client) {
        this.sessions.detach(client);
        this.log.info({ name: event.name, reason: event.reason, from: client.from }, 'ws member left');
      }
    }
    if (this.fanout.size === 0) return;
    const skip = event.kind === 'join' || event.kind === 'message' || event.kind === 'leave' ? event.origin : undefined;
    this.fanout.push(this.frameOf(event), skip);
  };

  private frameOf(event: RoomEvent): Buffer {
    return frameText(encodeEventMessage(this.history.render(event)));
  }

  /** The room closes: what is queued, then the closing event to every member, then 1001 for all. */
  private onClosing(event: RoomEvent): void {
    this.closed = true;
    this.fanout.broadcastNow(this.frameOf(event));
    for (const client of this.connections) {
      // The room is already empty (members get no leave notices): only forget them here.
      this.sessions.detach(client);
      client.ws.close(CLOSE_CODES.goingAway, 'server closing');
    }
  }

  private onClose(client: WsClient): void {
    this.connections.delete(client);
    const member = client.member;
    if (member) this.ctx.room.leave(member, 'disconnect');
    this.sessions.detach(client); // if the room no longer had it (closed), the leave event did not detach it
  }

  /** Leave the room (if in it), then close or, for a dead peer, cut the connection. */
  private drop(client: WsClient, reason: LeaveReason, code: number | null, text = ''): void {
    const member = client.member;
    if (member) this.ctx.room.leave(member, reason);
    this.sessions.detach(client);
    if (code === null) client.ws.terminate();
    else client.ws.close(code, text);
  }

  private readonly tooSlow = (client: WsClient): void => {
    this.log.info({ name: client.member?.name, from: client.from, buffered: client.socket.writableLength }, 'ws client closed: too slow');
    this.drop(client, 'disconnect', CLOSE_CODES.policy, 'too slow');
  };

  /** No pong since the previous ping: the peer is gone ('timeout'). */
  private readonly timedOut = (client: WsClient): void => {
    this.log.debug({ name: client.member?.name, from: client.from }, 'ws client timed out');
    this.drop(client, 'timeout', null);
  };
}
