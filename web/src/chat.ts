// The connection to /ws: open from page load (library changes arrive entered or not), entering, live events, auto-reconnect.
import { freshHistory, markRefused, messageLength, toItem, type ChatItem } from './chat-items.js';
import { applyToFates, missingFiles } from './file-fates.js';
import { INITIAL_CHAT, MAX_MESSAGE, type ChatOptions, type ChatState, type LibraryListener } from './chat-state.js';
import type { ClientMessage, CloseCodes, LibraryChange, ServerMessage, WireError, WireEvent } from './protocol.js';
import { clearSession, loadSession, saveSession, wsUrl } from './session.js';

export type { ChatItem } from './chat-items.js';
export { INITIAL_CHAT, MAX_MESSAGE, type ChatOptions, type ChatState, type ChatStatus, type LibraryListener } from './chat-state.js';

// Typed against the server's constant, so a change there fails `tsc -p web` instead of drifting.
const TAKEN_OVER: CloseCodes['takenOver'] = 4000;
// Errors that answer `enter` even when the server leaves out `about`.
const ENTER_CODES = new Set(['BAD_NAME', 'RESERVED_NAME', 'NAME_TAKEN', 'ALREADY_IN_ROOM']);

/** The client side of `/ws`; the UI subscribes through `onChange` and {@link ChatClient.onLibrary}. */
export class ChatClient {
  private state: ChatState = INITIAL_CHAT;
  private socket: WebSocket | null = null;
  /** The name we want to be in the room under; `auto` once the server has accepted it (re-entering). */
  private wanted: { name: string; resume?: string; auto: boolean } | null = null;
  /** Texts of our own messages not yet seen in a replayed history (so a re-entry does not repeat them). */
  private ownPending: string[] = [];
  private readonly libraryListeners = new Set<LibraryListener>();
  private hellos = 0;
  private retries = 0;
  private retryTimer = 0;
  private keepaliveTimer = 0;
  private deadTimer = 0;
  private localSeq = 0;
  private started = false;
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

  /** Connect, and re-enter the room this tab was in before a reload, if any. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    const saved = loadSession();
    if (saved) {
      this.wanted = { name: saved.name, resume: saved.resume, auto: true };
      this.update({ status: 'connecting' });
    }
    this.connect();
  }

  /** Library changes from every door, entered or not; returns the way to stop listening. */
  onLibrary(listener: LibraryListener): () => void {
    this.libraryListeners.add(listener);
    return () => void this.libraryListeners.delete(listener);
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

  /** Send a message; false (with `sayError` set, the text left to the caller) when it cannot go. */
  say(text: string): boolean {
    const length = messageLength(text);
    if (length > MAX_MESSAGE) {
      // Refused here rather than by the server: the text stays in the composer to be shortened.
      this.update({ sayError: { code: 'MESSAGE_TOO_LONG', message: `a message is at most ${MAX_MESSAGE} characters (this one has ${length})` } });
      return false;
    }
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

  /** Forget the composer's error (its cause is gone: the text is short enough again). */
  clearSayError(): void {
    if (this.state.sayError !== null) this.update({ sayError: null });
  }

  /** Send a refused message again: its line moves to the end as a new message. */
  retry(key: string): void {
    const item = this.state.items.find((i) => i.key === key);
    if (!item?.failed || item.text === undefined) return;
    // Only once it is sent again: offline, the refused line stays (and `sayError` says why).
    if (this.say(item.text)) this.update({ items: this.state.items.filter((i) => i !== item) });
  }

  /** Take a refused message off the log to edit it; returns its text. */
  takeBack(key: string): string | undefined {
    const item = this.state.items.find((i) => i.key === key);
    if (!item?.failed) return undefined;
    this.update({ items: this.state.items.filter((i) => i !== item), sayError: null });
    return item.text;
  }

  /** Leave the room (the connection stays open: library changes, entering again). */
  leave(): void {
    if (this.state.status === 'in' && this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'leave' });
    this.wanted = null;
    this.ownPending = [];
    clearSession();
    this.stopKeepalive();
    this.update(INITIAL_CHAT);
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
    if (this.disposed) return;
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
      this.socketGone();
    });
    // An `error` is always followed by `close`, which does the work.
  }

  /** The socket is gone: connect again with backoff (in the room or not: library changes need it too). */
  private socketGone(): void {
    this.stopKeepalive();
    if (this.disposed) return;
    if (this.wanted && !this.wanted.auto) {
      // The user's own first try could not reach the server: say so on the name form.
      this.wanted = null;
      this.update({ status: 'idle', enterError: { code: 'NETWORK', message: 'cannot reach the server' } });
    } else if (this.wanted) {
      this.update({ status: 'reconnecting' });
    }
    const { baseDelayMs, maxDelayMs } = this.options;
    // Exponential backoff with jitter, so a restarted server is not hit by every browser at once.
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** this.retries) * (0.75 + Math.random() / 2);
    this.retries = Math.min(this.retries + 1, 10);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  /** Another tab of ours resumed the name with our token: stay out of the room, or the two would take turns. */
  private takenOver(): void {
    this.wanted = null;
    this.ownPending = [];
    clearSession();
    this.update({ ...INITIAL_CHAT, enterError: { code: 'TAKEN_OVER', message: 'you entered the room from another tab or window' } });
  }

  private readonly onOnline = (): void => {
    // The network is back: try at once rather than waiting out the backoff.
    if (this.socket === null && !this.disposed) this.connect();
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
      case 'hello':
        this.retries = 0;
        // Changes made while we had no connection were never sent to us: listeners list again.
        if (++this.hellos > 1) this.libraryListeners.forEach((listener) => listener(null));
        // "Cannot reach the server" is no longer true once it says hello.
        if (this.state.enterError?.code === 'NETWORK') this.update({ enterError: null });
        break;
      case 'welcome':
        this.onWelcome(message);
        break;
      case 'event':
        this.onEvent(message.event);
        break;
      case 'library':
        this.onLibraryChange(message.change);
        break;
      case 'members':
        if (this.state.status === 'in') this.update({ members: [...message.members] });
        break;
      case 'error':
        this.onError(message);
        break;
      default:
        break; // left: nothing to do (leave() has already reset the state)
    }
  }

  private onWelcome(message: Extract<ServerMessage, { type: 'welcome' }>): void {
    const reentry = this.state.status === 'reconnecting' || this.state.items.length > 0;
    this.wanted = { name: message.name, resume: message.resume, auto: true };
    saveSession(message.name, message.resume);
    this.retries = 0;
    const fresh = freshHistory(this.state.items, message.history, message.name, this.ownPending);
    if (reentry) fresh.push({ key: `local-${++this.localSeq}`, kind: 'reconnected', at: Date.now() });
    this.update({
      status: 'in',
      name: message.name,
      members: [...message.members],
      items: this.trim([...this.state.items, ...fresh]),
      enterError: null,
      // Not connected is over: the error said so, and it is no longer true.
      sayError: this.state.sayError?.code === 'NOT_CONNECTED' ? null : this.state.sayError,
    });
    this.startKeepalive();
    void this.checkNoticedFiles(fresh);
  }

  /** Notices replayed from history may name files deleted before this page was open: look once. */
  private async checkNoticedFiles(items: readonly ChatItem[]): Promise<void> {
    const paths = items.filter((i) => i.kind === 'file' && i.path !== undefined && !this.state.fates.has(i.path)).map((i) => i.path ?? '');
    if (paths.length === 0) return;
    const missing = await missingFiles(paths);
    // A change that arrived meanwhile knows better than the listing did.
    const fates = new Map(this.state.fates);
    for (const path of missing) if (!fates.has(path)) fates.set(path, { kind: 'deleted' });
    if (missing.length > 0) this.update({ fates });
  }

  private onLibraryChange(change: LibraryChange): void {
    const noticed = this.state.items.flatMap((i) => (i.kind === 'file' && i.path !== undefined ? [i.path] : []));
    const fates = applyToFates(this.state.fates, noticed, change);
    if (fates !== this.state.fates) this.update({ fates });
    this.libraryListeners.forEach((listener) => listener(change));
  }

  private onEvent(event: WireEvent): void {
    if (this.state.status === 'idle') return; // after leave(), before the server's `left`
    let { members, fates } = this.state;
    if (event.kind === 'join' && event.name !== undefined && !members.includes(event.name)) members = [...members, event.name];
    if (event.kind === 'leave') members = members.filter((m) => m !== event.name);
    if (event.kind === 'closing') members = [];
    if (event.kind === 'file' && event.path !== undefined && fates.has(event.path)) {
      // A new file at a path an older notice named: that notice's link works again.
      const next = new Map(fates);
      next.delete(event.path);
      fates = next;
    }
    this.update({ members, fates, items: this.trim([...this.state.items, toItem(event)]) });
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
    const marked = markRefused(this.state.items, error);
    if (marked.text !== undefined) {
      // Never stored, so no replayed history will carry it: stop expecting it there.
      const pending = this.ownPending.lastIndexOf(marked.text);
      if (pending >= 0) this.ownPending.splice(pending, 1);
    }
    this.update({ sayError: error, items: marked.items });
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
