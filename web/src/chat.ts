// The connection to /ws: open from page load (library changes arrive entered or not), entering, rooms and conversations, auto-reconnect.
import { applyAnswer, applyRefusal } from './chat-answers.js';
import { applyWelcome, askNewest, type ApplyContext, type Applied } from './chat-apply.js';
import type { ChatItem } from './chat-items.js';
import { INITIAL_CHAT, currentConv, type ChatOptions, type ChatState, type LibraryListener } from './chat-state.js';
import { dmKey, firstId, newDm, otherSide, patch, roomKey } from './conversations.js';
import { ChatComposer } from './chat-compose.js';
import { ChatModeration } from './chat-moderation.js';
import { ChatSocket } from './chat-socket.js';
import { applyToFates, missingFiles } from './file-fates.js';
import { LogEdits } from './log-edits.js';
import { OLDER_PAGE } from './log-window.js';
import type { ClientMessage, CloseCodes, LibraryChange, ServerMessage, WireError, WireEvent } from './protocol.js';
import { clearSession, loadSession, saveSession, wsUrl } from './session.js';
import { TypingState } from './typing.js';

export type { ChatItem } from './chat-items.js';
export {
  INITIAL_CHAT,
  MAX_MESSAGE,
  currentConv,
  totalUnread,
  type ChatOptions,
  type ChatState,
  type ChatStatus,
  type Conversation,
  type LibraryListener,
} from './chat-state.js';

// Typed against the server's constant, so a change there fails `tsc -p web` instead of drifting.
const TAKEN_OVER: CloseCodes['takenOver'] = 4000;
// Errors that answer `enter` even when the server leaves out `about`.
const ENTER_CODES = new Set(['BAD_NAME', 'RESERVED_NAME', 'NAME_TAKEN', 'ALREADY_IN_ROOM', 'NAME_RESERVED', 'ACCOUNTS_ONLY']);
// Sent by the server before it closes with 4003: a moderator removed us from the server.
const REMOVED_CODES = new Set(['KICKED', 'BANNED']);

/** The client side of `/ws`; the UI subscribes through `onChange` and {@link ChatClient.onLibrary}. */
export class ChatClient {
  private state: ChatState = INITIAL_CHAT;
  private readonly socket: ChatSocket;
  /** The name we want to be in the room under (null: the account's); `auto` once the server has accepted it (re-entering). */
  private wanted: { name: string | null; resume?: string; auto: boolean } | null = null;
  /** Per conversation: texts of our own messages not yet seen in a replayed history (so a re-entry does not repeat them). */
  private readonly ownPending = new Map<string, string[]>();
  /** Rooms the user asked to join: shown once joined. */
  private readonly opening = new Set<string>();
  private readonly context: ApplyContext;
  private readonly libraryListeners = new Set<LibraryListener>();
  private hellos = 0;
  private localSeq = 0;
  private started = false;
  private disposed = false;
  private readonly options: Required<Omit<ChatOptions, 'url'>>;
  /** Kick, ban, mute and the bans list. */
  readonly moderation: ChatModeration;
  /** Our own messages: say, retry, take back. */
  readonly composer: ChatComposer;
  /** Editing and deleting messages in the log (log-edits.ts). */
  readonly edits = new LogEdits({ send: (m) => this.send(m), online: () => this.online() });
  /** Who is typing where; live events for desktop notifications (typing.ts). */
  readonly typing = new TypingState();

  constructor(
    private readonly onChange: (state: ChatState) => void,
    options: ChatOptions = {},
  ) {
    this.options = {
      maxItems: options.maxItems ?? 500,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 8000,
      keepaliveMs: options.keepaliveMs ?? 25_000,
      deadMs: options.deadMs ?? 10_000,
    };
    this.context = {
      maxItems: this.options.maxItems,
      ownPending: this.ownPending,
      opening: this.opening,
      joins: [],
      historyMode: new Map(),
      lastSaid: null,
      nextKey: () => `local-${++this.localSeq}`,
    };
    this.composer = new ChatComposer({
      state: () => this.state,
      update: (patch) => this.update(patch),
      send: (message) => this.send(message),
      online: () => this.online(),
      context: this.context,
      maxItems: this.options.maxItems,
    });
    this.moderation = new ChatModeration(
      (message) => this.send(message),
      () => this.state,
      (patch) => this.update(patch),
    );
    this.socket = new ChatSocket(options.url ?? wsUrl(), this.options, {
      onOpen: () => this.sendEnter(),
      onFrame: (data) => this.onFrame(data),
      onGone: (code) => this.socketGone(code),
    });
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
    this.socket.connect();
  }

  /** Library changes from every door, entered or not; returns the way to stop listening. */
  onLibrary(listener: LibraryListener): () => void {
    this.libraryListeners.add(listener);
    return () => void this.libraryListeners.delete(listener);
  }

  /** Enter the chat (into #lobby) as `name`, or (null) under the account signed in; a refusal arrives as `enterError`. */
  enter(name: string | null): void {
    if (this.state.status === 'in') return;
    this.wanted = { name, auto: false };
    this.update({ status: 'connecting', enterError: null });
    if (!this.socket.exists) this.socket.connect();
    else if (this.socket.open) this.sendEnter();
    // Otherwise the socket is still opening: its `open` handler sends the enter.
  }

  /** Put a room or conversation on screen: its unread count clears; a conversation loads its history the first time. */
  open(key: string): void {
    const conv = this.state.convs.find((c) => c.key === key);
    if (!conv) return;
    let opened = { ...conv, unread: 0 };
    if (!conv.loaded && conv.kind === 'dm' && this.online()) {
      opened = { ...opened, loading: true, loaded: true };
      this.send(askNewest(this.context, conv));
    }
    this.update({
      current: key,
      lastRoom: conv.kind === 'room' ? conv.name : this.state.lastRoom,
      convs: patch(this.state.convs, key, () => opened),
      sayError: null,
      highlight: null,
    });
  }

  /** Open the conversation with `name` (started here if there is none yet). */
  openDm(name: string): void {
    const key = dmKey(name);
    if (!this.state.convs.some((c) => c.key === key)) this.update({ convs: [...this.state.convs, newDm(name, this.state.name ?? '')] });
    this.open(key);
  }

  /**
   * Join (or create) a room, and show it once joined: `#room`, or `#room KEY` for a room with a
   * key; a name typed without `#` gets one. A room we are in already just comes on screen.
   */
  join(input: string): void {
    const [first = '', key] = input.trim().split(/\s+/u);
    if (first === '') return;
    const room = first.startsWith('#') ? first : `#${first}`;
    if (this.state.convs.some((c) => c.key === roomKey(room))) {
      this.open(roomKey(room));
      return;
    }
    this.opening.add(roomKey(room));
    this.context.joins.push({ key: roomKey(room), auto: false });
    this.send(key === undefined ? { type: 'join', room } : { type: 'join', room, key });
    this.update({ roomError: null });
  }

  /** Leave one room (the connection and the other rooms stay). */
  part(room: string): void {
    this.send({ type: 'part', room });
  }

  /** Open (and ask for) or close the list of rooms one may join. */
  browse(show: boolean): void {
    if (show) this.send({ type: 'rooms' });
    this.update({ directory: show ? (this.state.directory ?? []) : null });
  }

  /** Search what we may read; the answer shows in the sidebar. */
  search(query: string): void {
    const q = query.trim();
    if (q === '') return;
    this.send({ type: 'search', query: q });
    this.update({ search: { query: q, results: null, error: null } });
  }

  /** Close the search results. */
  closeSearch(): void {
    this.update({ search: null });
  }

  /** Show where a search result was said: its room (joined if we are not in it) or conversation. */
  openResult(event: WireEvent): void {
    const me = this.state.name ?? '';
    if (event.kind === 'dm') this.openDm(otherSide(event, me));
    else if (event.room !== undefined) this.join(event.room);
    else return;
    this.update({ highlight: event.id });
  }

  /** The line a search result pointed at has been shown. */
  clearHighlight(): void {
    if (this.state.highlight !== null) this.update({ highlight: null });
  }

  /** Ask for the page of history above the log on screen (scrolled to the top); nothing when there is none or one is coming. */
  loadOlder(): void {
    const conv = currentConv(this.state);
    const before = conv ? firstId(conv) : undefined;
    if (!conv || !conv.more || conv.loading || before === undefined || !this.online()) return;
    this.context.historyMode.set(conv.key, 'page');
    this.send(conv.kind === 'room' ? { type: 'history', room: conv.name, before, limit: OLDER_PAGE } : { type: 'history', with: conv.name, before, limit: OLDER_PAGE });
    this.update({ convs: patch(this.state.convs, conv.key, (c) => ({ ...c, loading: true })) });
  }

  /** Leave the chat, every room (the connection stays open: library changes, entering again). */
  leave(): void {
    if (this.online()) this.send({ type: 'leave' });
    this.wanted = null;
    this.forget();
    clearSession();
    this.socket.stopKeepalive();
    this.update(INITIAL_CHAT);
  }

  /**
   * Signed in or out: leave the chat if in it, and connect again so the upgrade carries the new
   * cookie; `enter` then enters under the account.
   */
  reconnect(enter: boolean): void {
    if (this.online()) this.send({ type: 'leave' });
    this.forget();
    clearSession();
    this.socket.stopKeepalive();
    this.wanted = enter ? { name: null, auto: false } : null;
    this.update({ ...INITIAL_CHAT, fates: this.state.fates, status: enter ? 'connecting' : 'idle' });
    this.socket.restart();
  }

  /** The removal banner was read: back to the name form, with a connection for the files again. */
  dismissRemoved(): void {
    this.update({ removed: null });
    if (!this.socket.exists) this.socket.connect();
  }

  /** Close everything (the page is going away). */
  dispose(): void {
    this.disposed = true;
    this.socket.dispose();
  }

  /** The socket is gone (a new one is on its way): say so, in the chat or on the name form. */
  private socketGone(code: number): void {
    if (code === TAKEN_OVER) this.takenOver();
    if (this.wanted && !this.wanted.auto) {
      // The user's own first try could not reach the server: say so on the name form.
      this.wanted = null;
      this.update({ status: 'idle', enterError: { code: 'NETWORK', message: 'cannot reach the server' } });
    } else if (this.wanted) {
      this.update({ status: 'reconnecting' });
    }
  }

  /** Another tab of ours resumed the name with our token: stay out of the room, or the two would take turns. */
  private takenOver(): void {
    this.wanted = null;
    this.forget();
    clearSession();
    this.update({ ...INITIAL_CHAT, enterError: { code: 'TAKEN_OVER', message: 'you entered the room from another tab or window' } });
  }

  private sendEnter(): void {
    const wanted = this.wanted;
    if (!wanted) return;
    const named: ClientMessage = wanted.name === null ? { type: 'enter' } : { type: 'enter', name: wanted.name };
    this.send(wanted.resume === undefined ? named : { ...named, resume: wanted.resume });
  }

  private send(message: ClientMessage): void {
    this.socket.send(message);
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return; // not ours to crash on: the server's codec is tested, a stray frame is ignored
    }
    if (message.type === 'library') {
      this.onLibraryChange(message.change);
      return;
    }
    if (message.type === 'hello') {
      this.socket.resetBackoff();
      // Changes made while we had no connection were never sent to us: listeners list again.
      if (++this.hellos > 1) this.libraryListeners.forEach((listener) => listener(null));
      // "Cannot reach the server" is no longer true once it says hello.
      if (this.state.enterError?.code === 'NETWORK') this.update({ enterError: null });
      return;
    }
    if (message.type === 'error') {
      this.onError(message);
      return;
    }
    if (message.type === 'welcome') {
      this.onWelcome(message);
      return;
    }
    // Everything else is about being in the chat: late answers after leave() are noise.
    if (this.state.status === 'idle') return;
    // Typing events are no log lines: typing.ts keeps them (and clears a name when its message comes).
    if (message.type === 'event' && this.typing.take(message.event, this.state.name)) return;
    this.apply(applyAnswer(this.state, message, this.context));
  }

  private onWelcome(message: Extract<ServerMessage, { type: 'welcome' }>): void {
    this.wanted = { name: message.name, resume: message.resume, auto: true };
    saveSession(message.name, message.resume);
    this.socket.resetBackoff();
    const before = new Set(this.state.convs.flatMap((c) => c.items.map((i) => i.key)));
    this.apply(applyWelcome(this.state, message, this.context));
    // The answer to a bare `who` (everyone connected) is ignored: it only proves the connection alive.
    this.socket.startKeepalive({ type: 'who' });
    const fresh = this.state.convs.flatMap((c) => c.items.filter((i) => !before.has(i.key)));
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
    const noticed = this.state.convs.flatMap((c) => c.items.flatMap((i) => (i.kind === 'file' && i.path !== undefined ? [i.path] : [])));
    const fates = applyToFates(this.state.fates, noticed, change);
    if (fates !== this.state.fates) this.update({ fates });
    this.libraryListeners.forEach((listener) => listener(change));
  }

  private onError(message: Extract<ServerMessage, { type: 'error' }>): void {
    const error: WireError = { code: message.code, message: message.message };
    const about = message.about;
    if (about === undefined && REMOVED_CODES.has(message.code)) {
      // The server closes with 4003 next, and the socket stays down: say why, and do not come back on our own.
      this.wanted = null;
      this.forget();
      clearSession();
      this.socket.stopKeepalive();
      this.update({ ...INITIAL_CHAT, fates: this.state.fates, removed: error });
      return;
    }
    if (about === 'enter' || (about === undefined && ENTER_CODES.has(message.code))) {
      // Refused entry. After a reconnect (auto) the name is lost too: back to the name form with the reason.
      const auto = this.wanted?.auto === true;
      this.wanted = null;
      this.forget();
      clearSession();
      this.socket.stopKeepalive();
      this.update(auto ? { ...INITIAL_CHAT, enterError: error } : { status: 'idle', enterError: error });
      return;
    }
    if (this.state.status === 'idle') return;
    if (message.code === 'NOT_IN_ROOM' && this.wanted?.auto && /enter/iu.test(message.message)) {
      // The server dropped us while this socket stayed up (a timeout): enter again with the same name.
      this.update({ status: 'reconnecting' });
      this.sendEnter();
      return;
    }
    this.update(applyRefusal(this.state, error, about, this.context, message.ref));
  }

  /** Apply an answer: the new state, then the requests it calls for. */
  private apply(applied: Applied): void {
    this.update(applied.state);
    for (const message of applied.send) this.send(message);
  }

  /** Drop what belongs to the member we were (left, refused, taken over). */
  private forget(): void {
    this.ownPending.clear();
    this.opening.clear();
    this.context.joins = [];
    this.context.historyMode.clear();
    this.context.lastSaid = null;
  }

  private online(): boolean {
    return this.state.status === 'in' && this.socket.open;
  }

  private update(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}
