// The WebSocket chat door: connections of `GET /ws` onto the chat (protocol: messages.ts), composed of the modules beside it.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { VERSION } from '../../cli/version.js';
import { guest, type Actor } from '../../core/access/roles.js';
import type { ChatEvent, LeaveReason, Member } from '../../core/chat/types.js';
import type { DoorContext } from '../door.js';
import { AudienceFanOut } from './audience-fanout.js';
import { encodeEventMessage, encodeServerMessage, frameText } from './codec.js';
import { WsClient } from './client.js';
import { RenderedHistory } from './history.js';
import { WsKeepalive } from './keepalive.js';
import { WsLibraryFeed } from './library-feed.js';
import { endRevoked } from './auth.js';
import { CLOSE_CODES } from './messages.js';
import { WsIncoming } from './incoming.js';
import { WsModeration } from './moderate.js';
import { WsPending } from './pending.js';
import { resolveWsOptions, type WsOptions } from './options.js';
import { WsReplies } from './replies.js';
import { WsRequests } from './requests.js';
import { SaidWatch } from './said.js';
import { WsSessions } from './sessions.js';
import { wireEvent, wireLeave } from './wire.js';

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
 * - Frames are checked, decoded and dispatched in incoming.ts. `enter` connects the name
 *   server-wide and joins #lobby (Chat.enter); every other request acts on the member's rooms and
 *   conversations (requests.ts). A request that names no room means
 *   #lobby, so a client that only sends enter/say/who/leave works as it did with one room.
 * - Chat events go to this door's members in the event's audience, each event rendered and framed
 *   once (a quit once per room it touched, to that room's members), batched per turn
 *   (audience-fanout.ts). The author of a join, message or part does not get it back (it has its
 *   `joined`/`parted`); a direct message goes to both sides, the sender's other clients included.
 *   A `say` with a `ref` is answered `sent` with its event's id (said.ts): how the author of a room
 *   message learns the id it edits or deletes it by.
 * - `enter` with the `resume` token of the live connection holding that name moves the member to
 *   the new connection: nobody sees a leave and a join; the old connection is closed with 4000
 *   (sessions.ts).
 * - A connection of a member that closes without `leave` (a reload, a network blip) keeps the
 *   member connected, in all its rooms, for `leaveGraceMs`: `enter` with its token takes it back
 *   silently; after that the member leaves ('disconnect'). An explicit `leave`, a keepalive
 *   timeout (the peer has already had a whole ping interval to come back), a client dropped as too
 *   slow, abusive or for a protocol error, and the server closing all leave at once.
 * - Every connection, entered or not, gets a `library` message for each change to the library
 *   (library-feed.ts): the web UI's file browser works without joining the chat.
 * - Event ids are the history store's ids where the store keeps the event, 0 for live-only events.
 * - Protocol errors (bad JSON, unknown type, wrong field types, frames over `maxFrameBytes`) get
 *   an `error` and the connection stays, until `maxInvalidFrames` in a row (closed with 1008).
 * - A ping every `pingIntervalMs`; no pong by the next one and the member leaves (keepalive.ts).
 */
export class WsDoor extends EventEmitter<WsDoorEvents> {
  readonly name = 'ws';
  private readonly log: Logger;
  private readonly connections = new Set<WsClient>();
  private readonly fanout: AudienceFanOut<WsClient>;
  private readonly sessions: WsSessions;
  private readonly history: RenderedHistory;
  private readonly keepalive: WsKeepalive;
  private readonly replies: WsReplies;
  private readonly requests: WsRequests;
  private readonly moderation: WsModeration;
  private readonly feed: WsLibraryFeed;
  private readonly pending: WsPending;
  private readonly said: SaidWatch;
  private readonly incoming: WsIncoming;
  private readonly leaveGraceMs: number;
  /** Encoded once: every connection starts with the same frame. */
  private readonly hello: string;
  readonly maxFrameBytes: number;
  readonly hardMaxFrameBytes: number;
  private unsubscribe: (() => void) | null = null;
  /** Set by the chat's closing event or by stop(): new connections are turned away. */
  private closed = false;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly ctx: DoorContext,
    options: WsOptions = {},
  ) {
    super();
    this.log = ctx.log.child({ door: 'ws' });
    const settings = resolveWsOptions(options);
    this.leaveGraceMs = settings.leaveGraceMs;
    this.maxFrameBytes = settings.maxFrameBytes;
    this.hardMaxFrameBytes = settings.hardMaxFrameBytes;
    this.fanout = new AudienceFanOut<WsClient>(settings.maxBufferedBytes, this.tooSlow);
    this.sessions = new WsSessions(this.fanout, (name) => ctx.chat.find(name));
    this.history = new RenderedHistory(ctx.history, settings.historySize, ctx.lang, this.log);
    this.keepalive = new WsKeepalive(settings.pingIntervalMs, this.connections, this.timedOut);
    this.replies = new WsReplies(this.log, ctx.metrics, settings.maxBufferedBytes, this.tooSlow);
    this.said = new SaidWatch(this.history);
    this.requests = new WsRequests(ctx.chat, this.history, this.replies, this.fanout, this.said);
    this.moderation = new WsModeration(ctx.chat, ctx.moderation, this.replies, this.fanout.flush);
    this.feed = new WsLibraryFeed(settings.maxBufferedBytes, this.tooSlow);
    this.pending = new WsPending(
      (client, frame) => this.incoming.onFrame(client, frame.data, frame.isBinary),
      (client, err, about) => this.replies.sendError(client, err, about),
      (client) => {
        if (client.raw.writableLength <= settings.maxBufferedBytes) return false;
        this.tooSlow(client);
        return true;
      },
    );
    this.incoming = new WsIncoming({
      ctx,
      log: this.log,
      name: this.name,
      sessions: this.sessions,
      history: this.history,
      replies: this.replies,
      requests: this.requests,
      moderation: this.moderation,
      pending: this.pending,
      maxFrameBytes: this.maxFrameBytes,
      maxInvalidFrames: settings.maxInvalidFrames,
      isClosed: () => this.closed,
      drop: (client, reason, code, text) => this.drop(client, reason, code, text),
    });
    this.hello = encodeServerMessage({ type: 'hello', server: 'netroom', version: VERSION, lang: ctx.lang });
  }

  /** Members connected through this door (those within their leave grace included). */
  get size(): number {
    return this.sessions.size;
  }

  /** Subscribe to the chat and the library, and start the keepalive timer. */
  start(): void {
    if (this.unsubscribe) return;
    const unsubscribe = this.ctx.chat.subscribe(this.onChatEvent);
    const unwatch = this.ctx.access?.onExternalChange(this.recheckSignIns);
    this.unsubscribe = () => {
      unsubscribe();
      unwatch?.();
    };
    this.feed.start(this.ctx.library);
    this.keepalive.start();
  }

  /**
   * Take a new connection (the upgrade is done); `from` is the peer's address and port, for the
   * logs; `actor` who signed in at the upgrade (a guest by default); `address` the peer's IP (bans).
   */
  connect(ws: WebSocket, from: string, actor: Actor = guest(), address?: string, secret?: string): void {
    // ws 8 keeps the net.Socket in `_socket`; the fan-out writes pre-framed bytes to it.
    const socket = (ws as unknown as { _socket?: Duplex | null })._socket;
    ws.on('error', (err) => this.log.debug({ err, from }, 'ws connection error'));
    if (this.closed || !socket) {
      ws.close(CLOSE_CODES.goingAway, 'server closing');
      return;
    }
    const client = new WsClient(ws, socket, from, actor, address, secret);
    // The peer's protocol errors (ws closes with 1002/1007/1009 itself) carry a WS_ERR_* code; a
    // failed write to a dropped socket (EPIPE, ECONNRESET) is a network blip, not a broken client.
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code?.startsWith('WS_ERR_') === true) client.broken = true;
    });
    this.connections.add(client);
    ws.on('message', (data, isBinary) => this.incoming.onFrame(client, data, isBinary));
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
      this.ctx.chat.disconnect(member, 'shutdown');
    }
    for (const member of this.sessions.releaseParked()) this.ctx.chat.disconnect(member, 'shutdown');
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

  /** Chat events -> `event` frames for this door's members in the audience, encoded and framed once, batched by the fan-out. */
  private readonly onChatEvent = (event: ChatEvent): void => {
    // A `say` with a `ref` of ours may be waiting for this event's id (said.ts).
    this.said.hear(event);
    switch (event.kind) {
      case 'closing':
        this.onClosing(event);
        return;
      case 'quit':
        this.onQuit(event);
        return;
      case 'join':
      case 'message':
      case 'part':
        // Its author has its answer (joined, parted) or knows what it said.
        if (this.fanout.size > 0) this.fanout.push(this.frameOf(event, true, event.origin), event.audience, event.origin);
        return;
      case 'rename':
        // Not remembered by id: the stored rows are per room, this live event names none.
        if (this.fanout.size > 0) this.fanout.push(this.frameOf(event, false), event.audience);
        return;
      case 'edit':
      case 'delete':
        // The message's JSON kept for history replays says what it said before.
        this.history.forget(event.target);
        if (this.fanout.size > 0) this.fanout.push(this.frameOf(event, false), event.audience);
        return;
      default:
        if (this.fanout.size > 0) this.fanout.push(this.frameOf(event, true), event.audience);
    }
  };

  /** An event's frame; its JSON is kept by store id for later history replays when `remember` (and clients holding frames note the id). */
  private frameOf(event: Exclude<ChatEvent, { kind: 'quit' }>, remember: boolean, author?: Member): Buffer {
    const storedId = this.history.storedOf(event)?.id;
    const json = JSON.stringify(wireEvent(this.ctx.lang, event, storedId ?? event.id));
    if (remember && storedId !== undefined) {
      this.history.remember(storedId, json);
      this.pending.heard(storedId, event.audience, author);
    }
    return frameText(encodeEventMessage(json));
  }

  /**
   * A member left the server: forget its connection here, then one `leave` per room it was in,
   * each rendered once and sent to the members of that room only.
   */
  private onQuit(event: Extract<ChatEvent, { kind: 'quit' }>): void {
    if (event.origin) {
      const client = this.sessions.clientOf(event.origin);
      if (client) {
        this.sessions.detach(client);
        this.log.info({ name: event.name, reason: event.reason, from: client.from }, 'ws member left');
        if (event.reason === 'kicked' || event.reason === 'banned') this.removed(client, event.reason, event.text ?? '');
      } else {
        // Removed while parked: its token must not bring it back within the grace.
        this.sessions.unpark(event.origin);
      }
    }
    if (this.fanout.size === 0 || event.rooms.length === 0) return;
    // The store keeps a quit as one row per room, in this order, with consecutive ids.
    const stored = this.history.storedOf(event);
    const firstId = stored !== undefined && stored.room === event.rooms[0] ? stored.id : undefined;
    // With one room the audience is that room's members (already without the member who left).
    const heard = event.rooms.length > 1 ? new Set(event.audience) : undefined;
    event.rooms.forEach((room, i) => {
      const audience = heard ? this.ctx.chat.members(room).filter((m) => heard.has(m)) : event.audience;
      const id = firstId === undefined ? event.id : firstId + i;
      const json = JSON.stringify(wireLeave(this.ctx.lang, event, room, id));
      if (firstId !== undefined) {
        this.history.remember(id, json);
        this.pending.heard(id, audience);
      }
      this.fanout.push(frameText(encodeEventMessage(json)), audience);
    });
  }

  /**
   * A moderator removed this connection's member from the server (it is no longer bound: the
   * events of this turn it was owed have been written). It hears why, then the socket closes with
   * 4003, which tells clients not to reconnect on their own.
   */
  private removed(client: WsClient, reason: 'kicked' | 'banned', text: string): void {
    this.replies.send(client, { type: 'error', code: reason === 'kicked' ? 'KICKED' : 'BANNED', message: text === '' ? `you were ${reason}` : text });
    client.ws.close(CLOSE_CODES.removed, reason);
  }

  /**
   * A session or token was revoked (here or by the CLI): a connection it signed in ends, with
   * NOT_SIGNED_IN and 4003 (no reconnecting on its own); its member then leaves as on any close.
   */
  private readonly recheckSignIns = (): void => {
    if (!this.ctx.access) return;
    for (const client of endRevoked(this.connections, this.ctx.access, this.replies)) {
      const member = client.member;
      if (!member) continue;
      // Signed out means gone now: no leave grace, and the resume token dies with the session.
      this.sessions.detach(client);
      this.ctx.chat.disconnect(member, 'quit', 'signed out');
    }
  };

  /** The chat closes: what is queued, then the closing event to every member, then 1001 for all. */
  private onClosing(event: Extract<ChatEvent, { kind: 'closing' }>): void {
    this.closed = true;
    this.feed.flush();
    this.sessions.releaseParked(); // the chat has already forgotten everyone: no leave to announce
    this.fanout.broadcastNow(this.frameOf(event, false));
    this.pending.releaseAll(); // a client whose request still waits hears the closing notice too
    for (const client of this.connections) {
      // The chat is already empty (members get no leave notices): only forget them here.
      this.sessions.detach(client);
      client.ws.close(CLOSE_CODES.goingAway, 'server closing');
    }
  }

  private onClose(client: WsClient): void {
    this.connections.delete(client);
    this.feed.remove(client);
    const member = client.member;
    if (member && !this.closed && !client.broken && this.leaveGraceMs > 0 && this.ctx.chat.has(member)) {
      // Closed without `leave`: maybe a reload or a blip. The member stays (name taken, in its
      // rooms, events for it dropped) until its token comes back or the grace ends.
      this.sessions.park(client, this.leaveGraceMs, this.graceOver);
      this.log.debug({ name: member.name, from: client.from, graceMs: this.leaveGraceMs }, 'ws connection closed: member kept for resume');
      this.emit('parked', member.name);
      return;
    }
    if (member) this.ctx.chat.disconnect(member, 'disconnect');
    this.sessions.detach(client); // if the chat no longer had it (closed), the quit event did not detach it
  }

  /** A parked member was not resumed in time: the leave everyone was spared until now. */
  private readonly graceOver = (member: Member): void => {
    this.log.info({ name: member.name }, 'ws member left: not resumed within the leave grace');
    this.ctx.chat.disconnect(member, 'disconnect');
  };

  /** Leave the chat (if in it), then close or, for a dead peer, cut the connection. */
  private drop(client: WsClient, reason: LeaveReason, code: number | null, text = ''): void {
    const member = client.member;
    if (member) this.ctx.chat.disconnect(member, reason);
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
