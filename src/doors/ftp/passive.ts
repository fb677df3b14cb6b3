// Passive data connections: a pool of listening ports (bind, then keep), one listener per PASV/EPSV.
import * as net from 'node:net';
import { sameHost } from './codec.js';

/** No port of the passive range could be bound right now (answered 425). */
export class NoPassivePort extends Error {
  constructor(range: readonly [number, number]) {
    super(`no passive port free in ${range[0]}-${range[1]}`);
    this.name = 'NoPassivePort';
  }
}

/**
 * Hands out listening sockets for passive transfers. With a range (`--ftp-passive-ports`) each
 * candidate port is bound directly and kept: there is no "is it free?" probe that another process
 * could win between the check and the bind; EADDRINUSE just moves on to the next port. Without a
 * range each listener takes an ephemeral port (0).
 */
export class PassivePool {
  private cursor: number;
  private readonly taken = new Set<number>();

  constructor(private readonly range: readonly [number, number] | null) {
    this.cursor = range?.[0] ?? 0;
  }

  /** Listen on `host` on a free port; the listener accepts data connections from `peer` only. */
  async open(host: string, peer: string, timeoutMs: number): Promise<PassiveListener> {
    if (this.range === null) return this.bind(host, 0, peer, timeoutMs);
    const [low, high] = this.range;
    const count = high - low + 1;
    for (let tried = 0; tried < count; tried++) {
      const port = this.cursor;
      this.cursor = port >= high ? low : port + 1;
      if (this.taken.has(port)) continue;
      try {
        return await this.bind(host, port, peer, timeoutMs);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      }
    }
    throw new NoPassivePort(this.range);
  }

  /** Ports held right now (for tests and STAT). */
  get inUse(): number {
    return this.taken.size;
  }

  private bind(host: string, port: number, peer: string, timeoutMs: number): Promise<PassiveListener> {
    const server = net.createServer({ noDelay: true, pauseOnConnect: true });
    return new Promise<PassiveListener>((resolve, reject) => {
      server.once('error', reject);
      // exclusive: with node:cluster workers, a passive port belongs to this process only.
      server.listen({ host, port, exclusive: true, backlog: 8 }, () => {
        server.off('error', reject);
        const bound = (server.address() as net.AddressInfo).port;
        if (this.range !== null) this.taken.add(bound);
        resolve(new PassiveListener(server, bound, peer, timeoutMs, () => this.taken.delete(bound)));
      });
    });
  }
}

/**
 * One passive listener. The first connection from the control connection's own address is kept
 * (connections from anywhere else are dropped: no data-port theft); the listener then closes and
 * its port returns to the pool. No polling: the 'connection' event resolves what take() awaits.
 */
export class PassiveListener {
  private socket: net.Socket | null = null;
  private failure: Error | null = null;
  private waiter: { resolve: (s: net.Socket) => void; reject: (e: Error) => void } | null = null;
  private readonly timer: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly peer: string,
    timeoutMs: number,
    private readonly release: () => void,
  ) {
    server.on('error', (err) => this.fail(err));
    server.on('connection', (socket) => this.onConnection(socket));
    this.timer = setTimeout(() => this.fail(new Error('the client did not open the data connection in time')), timeoutMs);
    this.timer.unref();
  }

  /** The data connection, once the client has opened it (at once if it already has). */
  take(): Promise<net.Socket> {
    if (this.socket !== null) {
      const socket = this.socket;
      this.socket = null;
      return Promise.resolve(socket);
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.waiter !== null) return Promise.reject(new Error('the data connection is already awaited'));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Stop listening; a connection accepted but not taken is closed. */
  close(): void {
    this.fail(new Error('the data connection was closed'));
    this.socket?.destroy();
    this.socket = null;
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => undefined); // the transfer adds its own handling; this one keeps a reset harmless
    if (this.released || !sameHost(socket.remoteAddress ?? '', this.peer)) {
      socket.destroy();
      return;
    }
    this.stopListening();
    clearTimeout(this.timer);
    if (this.waiter !== null) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve(socket);
    } else {
      this.socket = socket;
    }
  }

  private fail(err: Error): void {
    clearTimeout(this.timer);
    this.stopListening();
    if (this.socket !== null) return; // a connection arrived: it stays usable
    this.failure ??= err;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(this.failure);
  }

  private stopListening(): void {
    if (this.released) return;
    this.released = true;
    // The port goes back at once, not when the accepted data connection ends (the 'close' callback):
    // a new listener may bind it beside that connection, so a small range serves many transfers.
    this.server.close();
    this.release();
  }
}
