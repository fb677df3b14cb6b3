// The WebSocket under the chat client: connecting, reconnecting with backoff, and a keepalive that notices a dead network.
import type { ClientMessage, CloseCodes } from './protocol.js';

// Typed against the server's constant, so a change there fails `tsc -p web` instead of drifting.
const REMOVED: CloseCodes['removed'] = 4003;

/** Timings of {@link ChatSocket}. */
export interface SocketTimings {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly keepaliveMs: number;
  readonly deadMs: number;
}

/** What the socket tells its owner. */
export interface SocketHandlers {
  /** Open: a good moment to enter. */
  onOpen(): void;
  onFrame(data: unknown): void;
  /** Closed (or found dead) with this close code (0 when we gave up on it); a new try is already scheduled. */
  onGone(code: number): void;
}

/** One `/ws` connection at a time, replaced by a new one whenever it goes (library changes need it, entered or not). */
export class ChatSocket {
  private socket: WebSocket | null = null;
  private retries = 0;
  private retryTimer = 0;
  private keepaliveTimer = 0;
  private deadTimer = 0;
  private disposed = false;
  /** Closed by the server with a code that forbids reconnecting (4003): stay down until connect() is called. */
  private halted = false;

  constructor(
    private readonly url: string,
    private readonly timings: SocketTimings,
    private readonly handlers: SocketHandlers,
  ) {
    window.addEventListener('online', this.onOnline);
  }

  /** Whether a socket exists (open or opening). */
  get exists(): boolean {
    return this.socket !== null;
  }

  /** Whether messages can be sent now. */
  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  /** The server answered: the next loss starts its backoff from the shortest delay again. */
  resetBackoff(): void {
    this.retries = 0;
  }

  connect(): void {
    window.clearTimeout(this.retryTimer);
    if (this.disposed) return;
    this.halted = false;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.gone(0);
      return;
    }
    this.socket = socket;
    // Each handler first checks the socket is still the current one: a replaced socket's late events are noise.
    socket.addEventListener('open', () => {
      if (this.socket === socket) this.handlers.onOpen();
    });
    socket.addEventListener('message', (e: MessageEvent) => {
      if (this.socket !== socket) return;
      window.clearTimeout(this.deadTimer); // any frame proves the connection is alive
      this.handlers.onFrame(e.data);
    });
    socket.addEventListener('close', (e: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.gone(e.code);
    });
    // An `error` is always followed by `close`, which does the work.
  }

  /**
   * Browsers hide WebSocket pings, and a silently dead network can keep a socket "open" for minutes:
   * send `ping` now and then, and treat a missing answer as a lost connection.
   */
  startKeepalive(ping: ClientMessage): void {
    this.stopKeepalive();
    this.keepaliveTimer = window.setInterval(() => {
      const socket = this.socket;
      if (socket?.readyState !== WebSocket.OPEN) return;
      this.send(ping);
      window.clearTimeout(this.deadTimer);
      this.deadTimer = window.setTimeout(() => {
        if (this.socket !== socket) return;
        this.socket = null;
        socket.close();
        this.gone(0);
      }, this.timings.deadMs);
    }, this.timings.keepaliveMs);
  }

  /** Drop the socket and open a new one at once (signed in or out: the upgrade carries the new cookie). */
  restart(): void {
    const socket = this.socket;
    this.socket = null; // its close event is now a replaced socket's: ignored
    this.stopKeepalive();
    socket?.close();
    this.retries = 0;
    this.connect();
  }

  stopKeepalive(): void {
    window.clearInterval(this.keepaliveTimer);
    window.clearTimeout(this.deadTimer);
  }

  dispose(): void {
    this.disposed = true;
    window.removeEventListener('online', this.onOnline);
    window.clearTimeout(this.retryTimer);
    this.stopKeepalive();
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  /** The socket is gone: tell the owner, and connect again with backoff. */
  private gone(code: number): void {
    this.stopKeepalive();
    if (this.disposed) return;
    this.handlers.onGone(code);
    if (code === REMOVED) {
      // Removed by a moderator: reconnecting on our own would only knock on a closed door.
      this.halted = true;
      return;
    }
    const { baseDelayMs, maxDelayMs } = this.timings;
    // Exponential backoff with jitter, so a restarted server is not hit by every browser at once.
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** this.retries) * (0.75 + Math.random() / 2);
    this.retries = Math.min(this.retries + 1, 10);
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  private readonly onOnline = (): void => {
    // The network is back: try at once rather than waiting out the backoff.
    if (this.socket === null && !this.disposed && !this.halted) this.connect();
  };
}
