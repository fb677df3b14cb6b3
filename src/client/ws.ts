// WebSocket chat client (GET /ws, protocol v2): enter, rooms, direct messages, history pages, search; keepalive pings; reconnects with the resume token.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { roomKey } from '../core/chat/room-key.js';
import { foldName } from '../core/names.js';
import { CLOSE_CODES, type ClientMessage, type ServerMessage, type WireEvent, type WireRoom } from '../doors/ws/messages.js';
import type { ConversationSummary } from '../store/history.js';
import { catchUp } from './ws-catch-up.js';
import { WsChatError, describe, textOf } from './ws-errors.js';
import type { HistoryPage, HistoryTarget, Joined, Msg, SayTarget, ServerError, Welcome, WsChatClientEvents, WsChatClientOptions } from './ws-types.js';
import { Waiters, type Answer } from './ws-waiters.js';

export { WsChatError, type WsChatErrorKind } from './ws-errors.js';
export type { RoomLost } from './ws-catch-up.js';
export type { HistoryPage, HistoryTarget, Joined, SayTarget, ServerError, Welcome, WsChatClientEvents, WsChatClientOptions } from './ws-types.js';


type State = 'idle' | 'connected' | 'in' | 'reconnecting' | 'closed';

/** Error codes the server sends just before closing with 4003 (a moderator removed the member). */
const REMOVED = new Set(['KICKED', 'BANNED']);

/** A chat session over the netroom WebSocket protocol (src/doors/ws/messages.ts). */
export class WsChatClient extends EventEmitter<WsChatClientEvents> {
  private readonly url: URL;
  private readonly timeoutMs: number;
  private socket: WebSocket | null = null;
  private state: State = 'idle';
  private readonly waiters: Waiters;
  private name = '';
  private resumeToken = '';
  /** The newest event id seen, so a re-entry shows only what was missed. */
  private lastEventId = 0;
  /** Rooms we are in, by room key: the name as the server spells it and the key we joined with (to join again). */
  private readonly inRooms = new Map<string, { name: string; key?: string }>();
  /** While catching up after a reconnect: ids of the events that arrived live meanwhile (not to show twice). */
  private liveIds: Set<number> | null = null;
  private pinger: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** The KICKED/BANNED error the server sent before closing with 4003: why we were removed. */
  private removal: ServerError | null = null;

  constructor(private readonly options: WsChatClientOptions) {
    super();
    this.url = new URL(options.url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.waiters = new Waiters(this.timeoutMs, this.url.host);
  }

  /** `host:port` of the server, for messages. */
  get target(): string {
    return this.url.host;
  }

  /** The name this client is in with ('' when not in). */
  get memberName(): string {
    return this.state === 'in' || this.state === 'reconnecting' ? this.name : '';
  }

  /** True while connected and entered (false while reconnecting). */
  get inRoom(): boolean {
    return this.state === 'in';
  }

  /** The rooms we are in, as the server spells them, in the order joined. */
  get rooms(): string[] {
    return [...this.inRooms.values()].map((r) => r.name);
  }

  /** Open the connection and wait for the server's `hello`. */
  async connect(): Promise<Msg<'hello'>> {
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

  /**
   * Enter as `name` (into #lobby); without a name, a connection signed in with a token enters as its
   * account. Rejects with kind `refused` (and the server's code) when the server says no.
   */
  async enter(name?: string): Promise<Welcome> {
    if (this.state !== 'connected') throw new WsChatError('state', this.state === 'in' ? 'already in the room' : 'not connected');
    const welcome = (await this.ask(name === undefined ? { type: 'enter' } : { type: 'enter', name }, 'welcome')) as Welcome;
    this.entered(welcome);
    return welcome;
  }

  /** Say `text` in a room (default #lobby) or privately to a member; a refusal arrives later as a `refused` event. */
  say(text: string, target?: SayTarget): void {
    this.mustBeIn();
    this.send({ type: 'say', text, ...target });
  }

  /** Join `room` (`key` for a `+k` room); resolves with its members and recent history. */
  async join(room: string, key?: string): Promise<Joined> {
    this.mustBeIn();
    const joined = (await this.ask({ type: 'join', room, ...(key !== undefined && { key }) }, 'joined')) as Joined;
    this.inRooms.set(roomKey(joined.room.name), { name: joined.room.name, ...(key !== undefined && { key }) });
    this.seen(joined.history);
    return joined;
  }

  /** Leave `room`. */
  async part(room: string): Promise<void> {
    this.mustBeIn();
    const parted = (await this.ask({ type: 'part', room }, 'parted')) as Msg<'parted'>;
    this.inRooms.delete(roomKey(parted.room));
  }

  /** Set (or with '' clear) a room's topic; the change arrives as a `topic` event, a refusal as `refused`. */
  setTopic(room: string, topic: string): void {
    this.mustBeIn();
    this.send({ type: 'topic', room, topic });
  }

  /** Who is in `room`, or everyone connected when no room is given. */
  async who(room?: string): Promise<string[]> {
    this.mustBeIn();
    const answer = (await this.ask({ type: 'who', ...(room !== undefined && { room }) }, 'members')) as Msg<'members'>;
    return [...answer.members];
  }

  /** The rooms we may see, with member counts and topics. */
  async listRooms(): Promise<WireRoom[]> {
    this.mustBeIn();
    const answer = (await this.ask({ type: 'rooms' }, 'rooms')) as Msg<'rooms'>;
    return [...answer.rooms];
  }

  /** A page of a room's or a conversation's history: `limit` events before id `before` (default: the newest). */
  async history(target: HistoryTarget, before?: number, limit?: number): Promise<HistoryPage> {
    this.mustBeIn();
    const message: ClientMessage = { type: 'history', ...target, ...(before !== undefined && { before }), ...(limit !== undefined && { limit }) };
    return (await this.ask(message, 'history')) as HistoryPage;
  }

  /** Full-text search over what we may read, newest first. */
  async search(query: string, before?: number, limit?: number): Promise<WireEvent[]> {
    this.mustBeIn();
    const message: ClientMessage = { type: 'search', query, ...(before !== undefined && { before }), ...(limit !== undefined && { limit }) };
    const answer = (await this.ask(message, 'results')) as Msg<'results'>;
    return [...answer.events];
  }

  /** Our direct-message conversations, newest first. */
  async conversations(): Promise<ConversationSummary[]> {
    this.mustBeIn();
    const answer = (await this.ask({ type: 'conversations' }, 'conversations')) as Msg<'conversations'>;
    return [...answer.conversations];
  }

  /** Leave the server (waits for `left`, or gives up after the timeout), then close. */
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
    this.waiters.failAll(new WsChatError('state', 'the client was closed'));
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      else socket.terminate();
    }
  }

  private mustBeIn(): void {
    if (this.state !== 'in') throw new WsChatError('state', this.state === 'reconnecting' ? 'not connected right now (reconnecting)' : 'not in the room');
  }

  /** Send a request and wait for its answer (or the `error` that refuses it); for requests without a method of their own. */
  async call<T extends Answer>(message: ClientMessage, answer: T): Promise<Msg<T>> {
    this.mustBeIn();
    return (await this.ask(message, answer)) as Msg<T>;
  }

  /** Open a socket, wire it, and wait for `hello`. */
  private open(): Promise<Msg<'hello'>> {
    const headers = this.options.token === undefined ? undefined : { authorization: `Bearer ${this.options.token}` };
    const socket = new WebSocket(this.url, { handshakeTimeout: this.timeoutMs, maxPayload: 4 * 1024 * 1024, ...(headers && { headers }) });
    this.socket = socket;
    const hello = this.waiters.wait('hello') as Promise<Msg<'hello'>>;
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket && !isBinary) this.dispatch(textOf(data));
    });
    socket.on('pong', () => {
      (socket as WebSocket & { netroomAwaitingPong?: boolean }).netroomAwaitingPong = false;
    });
    socket.on('error', (err) => {
      if (socket === this.socket) this.waiters.failAll(describe(err, this.target));
    });
    socket.on('close', (code) => {
      if (socket === this.socket) this.dropped(code);
    });
    socket.on('open', () => this.startPinger(socket));
    return hello;
  }

  /** The connection is gone: fail what waits; reconnect when we were in. */
  private dropped(code: number): void {
    this.stopTimers();
    this.socket = null;
    this.waiters.failAll(new WsChatError('network', `the connection to ${this.target} was lost`));
    if (code === CLOSE_CODES.removed && this.state !== 'closed') {
      // A moderator removed us: coming back on our own would defeat the kick.
      const why = this.removal;
      this.state = 'closed';
      this.emit('lost', new WsChatError('refused', why?.message ?? 'a moderator removed you from the server', why?.code ?? 'KICKED'));
    } else if (code === CLOSE_CODES.takenOver && this.state === 'in') {
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
    const before = [...this.inRooms.values()];
    const lastSeen = this.lastEventId;
    try {
      await this.open();
      const welcome = (await this.ask({ type: 'enter', name: this.name, resume: this.resumeToken }, 'welcome')) as Welcome;
      if (this.state !== 'reconnecting') return; // closed meanwhile
      this.entered(welcome);
      // The catch-up's requests need state 'in'; it never throws (a drop meanwhile starts another
      // reconnect on its own), and `reconnected` comes once it is done.
      const live = (this.liveIds = new Set());
      const { missed, lost } = await catchUp(this, { welcome, before, lastSeen }).finally(() => (this.liveIds = null));
      if ((this.state as State) !== 'in') return; // dropped or closed during the catch-up
      this.seen(missed);
      this.emit(
        'reconnected',
        welcome,
        missed.filter((e) => !live.has(e.id)),
        lost,
      );
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
    this.seen(welcome.history);
    this.inRooms.clear();
    for (const room of welcome.rooms) this.inRooms.set(roomKey(room.name), { name: room.name });
    this.state = 'in';
  }

  /** Live history (welcome, joined) counts as seen; `closing` and the other live-only events have id 0. */
  private seen(events: readonly WireEvent[]): void {
    for (const e of events) this.lastEventId = Math.max(this.lastEventId, e.id);
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
        this.lastEventId = Math.max(this.lastEventId, msg.event.id);
        this.liveIds?.add(msg.event.id);
        this.leftRoom(msg.event);
        this.emit('event', msg.event);
        return;
      case 'error':
        // The last word before a 4003 close answers no request: it says why we are being removed.
        if (msg.about === undefined && REMOVED.has(msg.code)) this.removal = msg;
        else if (!this.waiters.refuse(msg)) this.emit('refused', msg);
        return;
      case 'library':
        return;
      default:
        this.waiters.answer(msg);
        return;
    }
  }

  /** A `leave` naming us in a room (a kick, a room ban) means we are out of it: not a room to join again on a reconnect. */
  private leftRoom(event: WireEvent): void {
    if (event.kind !== 'leave' || event.room === undefined || event.name === undefined) return;
    if (foldName(event.name) === foldName(this.name)) this.inRooms.delete(roomKey(event.room));
  }

  private ask(message: ClientMessage, answer: Answer): Promise<ServerMessage> {
    // Sent first: a send that throws leaves no waiter behind, and the answer cannot arrive before
    // the waiter is registered (frames are dispatched on a later turn of the event loop).
    this.send(message);
    return this.waiters.wait(answer);
  }

  private send(message: ClientMessage): void {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) throw new WsChatError('state', 'not connected');
    socket.send(JSON.stringify(message));
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
