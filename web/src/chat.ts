// The chat connection: WebSocket to /ws, entering, live events, history merging and auto-reconnect.
import type { ClientMessage, CloseCodes, ServerMessage, WireError, WireEvent } from './protocol.js';
import { clearSession, loadSession, saveSession, wsUrl } from './session.js';

/** idle: not in the room; connecting: entering; in: a member; reconnecting: lost the socket, re-entering. */
export type ChatStatus = 'idle' | 'connecting' | 'in' | 'reconnecting';

/** One line of the chat log: a room event, one of our own messages, or a local notice. */
export interface ChatItem {
  readonly key: string;
  readonly kind: WireEvent['kind'] | 'reconnected';
  readonly at: number;
  readonly name?: string;
  readonly text?: string;
  readonly path?: string;
  readonly size?: number;
  /** Our own message (the server does not echo it back). */
  readonly mine?: boolean;
  /** Our own message that the server refused (RATE_LIMITED, ...). */
  readonly failed?: boolean;
}

/** Everything the UI renders about the chat; replaced (never mutated) on every change. */
export interface ChatState {
  readonly status: ChatStatus;
  /** Our name once entered (as the server spelled it). */
  readonly name: string | null;
  readonly members: readonly string[];
  readonly items: readonly ChatItem[];
  /** Why entering was refused (shown on the name form). */
  readonly enterError: WireError | null;
  /** Why the last message was refused (shown under the composer). */
  readonly sayError: WireError | null;
  /** The latest file notice, so the files pane can refresh the folder it shows. */
  readonly lastFile: { readonly path: string; readonly seq: number } | null;
}

/** Limits and timings; every one has a default. */
export interface ChatOptions {
  url?: string;
  /** Lines kept in the log. Default 500. */
  maxItems?: number;
  /** First reconnect delay, doubled up to maxDelayMs. Defaults 500 and 8000 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `who` every keepaliveMs; no answer within deadMs means a dead connection. Defaults 25 s and 10 s. */
  keepaliveMs?: number;
  deadMs?: number;
}

export const INITIAL_CHAT: ChatState = {
  status: 'idle',
  name: null,
  members: [],
  items: [],
  enterError: null,
  sayError: null,
  lastFile: null,
};

// Typed against the server's constant, so a change there fails `tsc -p web` instead of drifting.
const TAKEN_OVER: CloseCodes['takenOver'] = 4000;
// Errors that answer `enter` even when the server leaves out `about`.
const ENTER_CODES = new Set(['BAD_NAME', 'RESERVED_NAME', 'NAME_TAKEN', 'ALREADY_IN_ROOM']);

/** The client side of `/ws`; the UI subscribes through `onChange`. */
export class ChatClient {
  private state: ChatState = INITIAL_CHAT;
  private socket: WebSocket | null = null;
  /** The name we want to be in the room under; `auto` once the server has accepted it (re-entering). */
  private wanted: { name: string; resume?: string; auto: boolean } | null = null;
  /** Texts of our own messages not yet seen in a replayed history (so a re-entry does not repeat them). */
  private ownPending: string[] = [];
  private retries = 0;
  private retryTimer = 0;
  private keepaliveTimer = 0;
  private deadTimer = 0;
  private localSeq = 0;
  private fileSeq = 0;
  private disposed = false;
  private readonly url: string;
  private readonly options: Required<Omit<ChatOptions, 'url'>>;

  constructor(
    private readonly onChange: (state: ChatState) => void,
    options: ChatOptions = {},
  ) {
    this.url = options.url ?? wsUrl();
    this.options = {
      maxItems: options.maxItems ?? 500,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 8000,
      keepaliveMs: options.keepaliveMs ?? 25_000,
      deadMs: options.deadMs ?? 10_000,
    };
    window.addEventListener('online', this.onOnline);
  }

  /** Re-enter the room this tab was in before a reload, if any. */
  resumeSession(): void {
    const saved = loadSession();
    if (!saved) return;
    this.wanted = { name: saved.name, resume: saved.resume, auto: true };
    this.update({ status: 'connecting' });
    this.connect();
  }

  /** Enter the room as `name`; a refusal arrives as `enterError`. */
  enter(name: string): void {
    if (this.state.status === 'in') return;
    this.wanted = { name, auto: false };
    this.update({ status: 'connecting', enterError: null });
    if (this.socket === null) this.connect();
    else if (this.socket.readyState === WebSocket.OPEN) this.sendEnter();
    // Otherwise the socket is still opening: its `open` handler sends the enter.
  }

  /** Send a message; false (with `sayError` set) when not connected. */
  say(text: string): boolean {
    if (this.state.status !== 'in' || this.socket?.readyState !== WebSocket.OPEN) {
      this.update({ sayError: { code: 'NOT_CONNECTED', message: 'not connected to the server; wait a moment' } });
      return false;
    }
    this.send({ type: 'say', text });
    this.ownPending = [...this.ownPending.slice(-99), text];
    const item: ChatItem = { key: `own-${++this.localSeq}`, kind: 'message', at: Date.now(), name: this.state.name ?? '', text, mine: true };
    this.update({ sayError: null, items: this.trim([...this.state.items, item]) });
    return true;
  }

  /** Send a refused message again: its line moves to the end as a new message. */
  retry(key: string): void {
    const item = this.state.items.find((i) => i.key === key);
    if (!item?.failed || item.text === undefined) return;
    // Only once it is sent again: offline, the refused line stays (and `sayError` says why).
    if (this.say(item.text)) this.update({ items: this.state.items.filter((i) => i !== item) });
  }

  /** Leave the room (the connection stays open for entering again). */
  leave(): void {
    if (this.state.status === 'in' && this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'leave' });
    this.wanted = null;
    this.ownPending = [];
    clearSession();
    window.clearTimeout(this.retryTimer);
    this.stopKeepalive();
    this.update({ ...INITIAL_CHAT, lastFile: this.state.lastFile });
  }

  /** Close everything (the page is going away). */
  dispose(): void {
    this.disposed = true;
    window.removeEventListener('online', this.onOnline);
    window.clearTimeout(this.retryTimer);
    this.stopKeepalive();
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private connect(): void {
    window.clearTimeout(this.retryTimer);
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.socketGone();
      return;
    }
    this.socket = socket;
    // Each handler first checks the socket is still the current one: a replaced socket's late events are noise.
    socket.addEventListener('open', () => {
      if (this.socket === socket && this.wanted) this.sendEnter();
    });
    socket.addEventListener('message', (e: MessageEvent) => {
      if (this.socket === socket) this.onFrame(e.data);
    });
    socket.addEventListener('close', (e: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (e.code === TAKEN_OVER) this.takenOver();
      else this.socketGone();
    });
    // An `error` is always followed by `close`, which does the work.
  }

  private socketGone(): void {
    this.stopKeepalive();
    if (this.disposed || !this.wanted) return;
    if (!this.wanted.auto) {
      // The user's own first try could not reach the server: say so on the name form.
      this.wanted = null;
      this.update({ status: 'idle', enterError: { code: 'NETWORK', message: 'cannot reach the server' } });
      return;
    }
    this.update({ status: 'reconnecting' });
    const { baseDelayMs, maxDelayMs } = this.options;
    // Exponential backoff with jitter, so a restarted server is not hit by every browser at once.
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** this.retries) * (0.75 + Math.random() / 2);
    this.retries = Math.min(this.retries + 1, 10);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  /** Another tab of ours resumed the name with our token: stay out, or the two would take turns. */
  private takenOver(): void {
    this.stopKeepalive();
    this.wanted = null;
    this.ownPending = [];
    clearSession();
    this.update({ ...INITIAL_CHAT, enterError: { code: 'TAKEN_OVER', message: 'you entered the room from another tab or window' } });
  }

  private readonly onOnline = (): void => {
    // The network is back: try at once rather than waiting out the backoff.
    if (this.state.status === 'reconnecting' && this.socket === null) this.connect();
  };

  private sendEnter(): void {
    const wanted = this.wanted;
    if (!wanted) return;
    this.send(wanted.resume === undefined ? { type: 'enter', name: wanted.name } : { type: 'enter', name: wanted.name, resume: wanted.resume });
  }

  private send(message: ClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  private onFrame(data: unknown): void {
    window.clearTimeout(this.deadTimer); // any frame proves the connection is alive
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return; // not ours to crash on: the server's codec is tested, a stray frame is ignored
    }
    switch (message.type) {
      case 'welcome':
        this.onWelcome(message);
        break;
      case 'event':
        this.onEvent(message.event);
        break;
      case 'members':
        if (this.state.status === 'in') this.update({ members: [...message.members] });
        break;
      case 'error':
        this.onError(message);
        break;
      default:
        break; // hello, left: nothing to do (leave() has already reset the state)
    }
  }

  private onWelcome(message: Extract<ServerMessage, { type: 'welcome' }>): void {
    const reentry = this.state.status === 'reconnecting' || this.state.items.length > 0;
    this.wanted = { name: message.name, resume: message.resume, auto: true };
    saveSession(message.name, message.resume);
    this.retries = 0;
    // History overlaps what we already show after a reconnect: skip events we have (by content, as
    // live and replayed copies of an event share their fields) and our own messages shown locally.
    const have = new Set(this.state.items.map((item) => item.key));
    const fresh: ChatItem[] = [];
    for (const event of message.history) {
      const item = toItem(event);
      if (have.has(item.key)) continue;
      if (event.kind === 'message' && event.name === message.name) {
        const own = this.ownPending.indexOf(event.text ?? '');
        if (own >= 0) {
          this.ownPending.splice(own, 1);
          continue;
        }
      }
      fresh.push(item);
    }
    if (reentry) fresh.push({ key: `local-${++this.localSeq}`, kind: 'reconnected', at: Date.now() });
    this.update({
      status: 'in',
      name: message.name,
      members: [...message.members],
      items: this.trim([...this.state.items, ...fresh]),
      enterError: null,
    });
    this.startKeepalive();
  }

  private onEvent(event: WireEvent): void {
    if (this.state.status === 'idle') return; // after leave(), before the server's `left`
    let { members, lastFile } = this.state;
    if (event.kind === 'join' && event.name !== undefined && !members.includes(event.name)) members = [...members, event.name];
    if (event.kind === 'leave') members = members.filter((m) => m !== event.name);
    if (event.kind === 'closing') members = [];
    if (event.kind === 'file' && event.path !== undefined) lastFile = { path: event.path, seq: ++this.fileSeq };
    this.update({ members, lastFile, items: this.trim([...this.state.items, toItem(event)]) });
  }

  private onError(message: Extract<ServerMessage, { type: 'error' }>): void {
    const error: WireError = { code: message.code, message: message.message };
    if (message.about === 'enter' || (message.about === undefined && ENTER_CODES.has(message.code))) {
      // Refused entry. After a reconnect (auto) the name is lost too: back to the name form with the reason.
      const auto = this.wanted?.auto === true;
      this.wanted = null;
      clearSession();
      this.stopKeepalive();
      this.update(auto ? { ...INITIAL_CHAT, enterError: error } : { status: 'idle', enterError: error });
      return;
    }
    if (message.code === 'NOT_IN_ROOM' && this.wanted?.auto) {
      // The server dropped us while this socket stayed up (a timeout): enter again with the same name.
      this.update({ status: 'reconnecting' });
      this.sendEnter();
      return;
    }
    if (message.about === 'who') return; // a keepalive answer; not the user's business
    // A refused message. Over a token bucket the later messages of a burst are the refused ones, so
    // the newest own message not yet marked is the best guess at which one it was.
    const items = [...this.state.items];
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item?.mine && !item.failed) {
        items[i] = { ...item, failed: true };
        // Never stored, so no replayed history will carry it: stop expecting it there.
        const pending = this.ownPending.lastIndexOf(item.text ?? '');
        if (pending >= 0) this.ownPending.splice(pending, 1);
        break;
      }
    }
    this.update({ sayError: error, items });
  }

  private startKeepalive(): void {
    this.stopKeepalive();
    // Browsers hide WebSocket pings, and a silently dead network can keep a socket "open" for minutes:
    // ask `who` now and then, and treat a missing answer as a lost connection.
    this.keepaliveTimer = window.setInterval(() => {
      const socket = this.socket;
      if (socket?.readyState !== WebSocket.OPEN) return;
      this.send({ type: 'who' });
      window.clearTimeout(this.deadTimer);
      this.deadTimer = window.setTimeout(() => {
        if (this.socket !== socket) return;
        this.socket = null;
        socket.close();
        this.socketGone();
      }, this.options.deadMs);
    }, this.options.keepaliveMs);
  }

  private stopKeepalive(): void {
    window.clearInterval(this.keepaliveTimer);
    window.clearTimeout(this.deadTimer);
  }

  private trim(items: ChatItem[]): ChatItem[] {
    return items.length > this.options.maxItems ? items.slice(items.length - this.options.maxItems) : items;
  }

  private update(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}

/** A log line for a room event; its key is its content, identical for live and replayed copies. */
function toItem(event: WireEvent): ChatItem {
  const key = [event.kind, event.at, event.name ?? '', event.path ?? '', event.size ?? '', event.text ?? ''].join('\u0001');
  return { key, kind: event.kind, at: event.at, name: event.name, text: event.text, path: event.path, size: event.size };
}
