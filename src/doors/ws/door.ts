// The WebSocket chat door: connections of `GET /ws` onto the room (protocol: messages.ts), composed of the modules beside it.
import { EventEmitter } from 'node:events';
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
import { WsLibraryFeed } from './library-feed.js';
import { CLOSE_CODES, type ClientMessage } from './messages.js';
import { resolveWsOptions, type WsOptions } from './options.js';
import { WsReplies } from './replies.js';
import { WsSessions } from './sessions.js';

// Moved to options.ts; re-exported so importers of door.js keep working.
export {
  DEFAULT_HARD_MAX_FRAME_BYTES,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_LEAVE_GRACE_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_INVALID_FRAMES,
  DEFAULT_PING_INTERVAL_MS,
  type WsOptions,
} from './options.js';

/** What the door reports beside the room's events (for logs, metrics and tests). */
export interface WsDoorEvents {
  /** A member's connection closed without `leave`: the member stays for `leaveGraceMs`, resumable with its token. */
  parked: [name: string];
}

/** How long a closing door waits for clients to answer its close frame before cutting them off. */
const CLOSE_GRACE_MS = 2000;

/**
 * The WebSocket chat door. Behaviour beyond messages.ts:
 * - `enter` with the `resume` token of the live connection holding that name moves the member to
 *   the new connection: nobody sees a leave and a join; the old connection is closed with 4000
 *   (sessions.ts).
 * - A connection of a member that closes without `leave` (a reload, a network blip) keeps the
 *   member in the room for `leaveGraceMs`: `enter` with its token takes it back silently; after
 *   that the member leaves ('disconnect'). An explicit `leave`, a keepalive timeout (the peer has
 *   already had a whole ping interval to come back), a client dropped as too slow, abusive or for
 *   a protocol error, and the server closing all leave at once.
 * - Every connection, entered or not, gets a `library` message for each change to the library
 *   (library-feed.ts): the web UI's file browser works without joining the chat.
 * - Event ids are the history store's ids when the store knows the event (history.ts).
 * - Protocol errors (bad JSON, unknown type, wrong field types, frames over `maxFrameBytes`) get
 *   an `error` and the connection stays, until `maxInvalidFrames` in a row (closed with 1008).
 * - A ping every `pingIntervalMs`; no pong by the next one and the member leaves (keepalive.ts).
 */
export class WsDoor extends EventEmitter<WsDoorEvents> {
  readonly name = 'ws';
  private readonly log: Logger;
  private readonly connections = new Set<WsClient>();
  private readonly fanout: WsFanOut<WsClient>;
  private readonly sessions: WsSessions;
  private readonly history: RenderedHistory;
  private readonly keepalive: WsKeepalive;
  private readonly replies: WsReplies;
  private readonly feed: WsLibraryFeed;
  private readonly maxInvalidFrames: number;
  private readonly leaveGraceMs: number;
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
    super();
    this.log = ctx.log.child({ door: 'ws' });
    const settings = resolveWsOptions(options);
    this.maxInvalidFrames = settings.maxInvalidFrames;
    this.leaveGraceMs = settings.leaveGraceMs;
    this.maxFrameBytes = settings.maxFrameBytes;
    this.hardMaxFrameBytes = settings.hardMaxFrameBytes;
    this.fanout = new WsFanOut<WsClient>(settings.maxBufferedBytes, this.tooSlow);
    this.sessions = new WsSessions(this.fanout, (name) => ctx.room.find(name));
    this.history = new RenderedHistory(ctx.history, settings.historySize, ctx.lang, this.log);
    this.keepalive = new WsKeepalive(settings.pingIntervalMs, this.connections, this.timedOut);
    this.replies = new WsReplies(this.log, ctx.metrics, settings.maxBufferedBytes, this.tooSlow);
    this.feed = new WsLibraryFeed(settings.maxBufferedBytes, this.tooSlow);
    this.hello = encodeServerMessage({ type: 'hello', server: 'netroom', version: VERSION, lang: ctx.lang });
  }

  /** Members in the room through this door (those within their leave grace included). */
  get size(): number {
    return this.sessions.size;
  }

  /** Subscribe to the room and the library, and start the keepalive timer. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ctx.room.subscribe(this.onRoomEvent);
    this.feed.start(this.ctx.library);
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
    // The peer's protocol errors (ws closes with 1002/1007/1009 itself) carry a WS_ERR_* code; a
    // failed write to a dropped socket (EPIPE, ECONNRESET) is a network blip, not a broken client.
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code?.startsWith('WS_ERR_') === true) client.broken = true;
    });
    this.connections.add(client);
    ws.on('message', (data, isBinary) => this.onFrame(client, data, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.onClose(client));
    ws.send(this.hello);
    this.feed.add(client);
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
    this.feed.flush();
    this.feed.stop();
    // Unsubscribed first: the other doors hear these leaves, our own members (all closing) do not.
    for (const client of this.connections) {
      const member = client.member;
      if (!member) continue;
      this.sessions.detach(client);
      this.ctx.room.leave(member, 'shutdown');
    }
    for (const member of this.sessions.releaseParked()) this.ctx.room.leave(member, 'shutdown');
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
    if (previous?.client) {
      member = previous.member;
      this.sessions.detach(previous.client);
      previous.client.ws.close(CLOSE_CODES.takenOver, 'resumed by another connection');
      this.log.info({ name: member.name, from: client.from, previous: previous.client.from }, 'ws member resumed');
    } else if (previous) {
      // Back within the leave grace (a reload, a blip): the room never saw it go.
      member = previous.member;
      this.sessions.unpark(member);
      this.log.info({ name: member.name, from: client.from }, 'ws member resumed within the leave grace');
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
    this.feed.flush();
    this.sessions.releaseParked(); // the room is already empty: no leave to announce
    this.fanout.broadcastNow(this.frameOf(event));
    for (const client of this.connections) {
      // The room is already empty (members get no leave notices): only forget them here.
      this.sessions.detach(client);
      client.ws.close(CLOSE_CODES.goingAway, 'server closing');
    }
  }

  private onClose(client: WsClient): void {
    this.connections.delete(client);
    this.feed.remove(client);
    const member = client.member;
    if (member && !this.closed && !client.broken && this.leaveGraceMs > 0 && this.ctx.room.has(member)) {
      // Closed without `leave`: maybe a reload or a blip. The member stays (name taken, in `who`,
      // events for it dropped) until its token comes back or the grace ends.
      this.sessions.park(client, this.leaveGraceMs, this.graceOver);
      this.log.debug({ name: member.name, from: client.from, graceMs: this.leaveGraceMs }, 'ws connection closed: member kept for resume');
      this.emit('parked', member.name);
      return;
    }
    if (member) this.ctx.room.leave(member, 'disconnect');
    this.sessions.detach(client); // if the room no longer had it (closed), the leave event did not detach it
  }

  /** A parked member was not resumed in time: the leave everyone was spared until now. */
  private readonly graceOver = (member: Member): void => {
    this.log.info({ name: member.name }, 'ws member left: not resumed within the leave grace');
    this.ctx.room.leave(member, 'disconnect');
  };

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
