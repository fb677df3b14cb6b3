// Seed file client: the TCP connection, and the framing of replies (routing chunks to a reader, `OK`, stray text).
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { END_MARKER, OK } from '../../doors/seedfiles/codec.js';
import type { SeedFilesTimings } from './options.js';
import { describe } from './reasons.js';

/** What a reader does with incoming chunks, and with the connection's close (default: fail). */
export interface ReplyHandlers {
  data: (chunk: Buffer) => void;
  closed?: (err: Error) => void;
}

type Sink = { data: (chunk: Buffer) => void; closed: (err: Error) => void };

/**
 * One connection to a seed file server, shared by the listing, download and upload code. Incoming
 * bytes go to the one reader waiting for them; bytes nobody waits for are kept as text, since they
 * can only be an error the server sent on its own.
 */
export class SeedConnection {
  private current: net.Socket | null = null;
  private sink: Sink | null = null;
  /** Bytes nobody asked for, e.g. an error the server sent after an upload's `##`. */
  private stray = '';
  private closedError: Error | null = null;
  /** No command before this time: keeps the next command from merging with a `##` just sent. */
  private quietUntil = 0;

  constructor(readonly options: SeedFilesTimings) {}

  /** The socket once connected (for backpressure: pause, resume, write), else null. */
  get socket(): net.Socket | null {
    return this.current;
  }

  /** Why the connection is gone (the server's last words if it said any), or null while it is up. */
  get failure(): Error | null {
    return this.closedError;
  }

  /** True while connected (false before connect() and after the connection closed or was dropped). */
  get connected(): boolean {
    return this.current !== null && this.closedError === null;
  }

  /** Connect; rejects with a one-line reason (refused, timed out, unknown host...). */
  connect(host: string, port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      const fail = (err: Error): void => {
        socket.destroy();
        reject(new Error(`cannot connect to ${host}:${port}: ${describe(err)}`));
      };
      socket.setTimeout(this.options.connectTimeoutMs, () => fail(new Error('timed out')));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.off('error', fail);
        this.attach(socket);
        resolve();
      });
    });
  }

  /** `Q`: say goodbye and wait for the connection to close. */
  async quit(): Promise<void> {
    const socket = this.current;
    if (socket === null || this.closedError !== null) return;
    await this.waitQuiet();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.end('Q');
    await closed;
  }

  /** Drop the connection at once; later calls reject. */
  destroy(): void {
    this.closedError ??= new Error('disconnected');
    this.current?.destroy();
  }

  /** Send a command and wait for `OK`; resolves with any bytes that came right behind it. */
  async command(text: string): Promise<Buffer | null> {
    if (this.current === null) throw new Error('not connected');
    if (this.closedError !== null) throw this.closedError;
    await this.waitQuiet();
    const said = this.stray.trim();
    this.stray = '';
    if (said !== '') throw new Error(said); // the server reported a failure after the last upload
    const reply = this.read<Buffer>(this.options.replyTimeoutMs, (done) => ({ data: done }));
    this.write(Buffer.from(text));
    const chunk = await reply;
    // Tolerant: bytes stuck to the `OK` (no pause seen on the way) belong to what follows it.
    if (!chunk.subarray(0, OK.length).equals(OK)) throw new Error(chunk.toString('utf8').trim());
    return chunk.length > OK.length ? chunk.subarray(OK.length) : null;
  }

  /**
   * Route incoming chunks to the handler `setup` returns, until it calls `done` or `fail`. Rejects if
   * the connection closes (unless `setup`'s `closed` handles it) or if no byte comes for `timeoutMs`.
   */
  read<T>(timeoutMs: number, setup: (done: (value: T) => void, fail: (err: Error) => void) => ReplyHandlers): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.sink = null;
        action();
      };
      const fail = (err: Error): void => settle(() => reject(err));
      const timer = setTimeout(() => fail(new Error('no reply from the server')), timeoutMs);
      const handlers = setup((value) => settle(() => resolve(value)), fail);
      if (settled) return;
      const data = handlers.data;
      this.sink = { data: (chunk) => { timer.refresh(); data(chunk); }, closed: handlers.closed ?? fail };
    });
  }

  /**
   * While an upload streams, keep whatever the server says as stray text (netroom refuses mid-upload,
   * too large or disk full, with a text and then closes). Returns the function that stops it.
   */
  setRepliesAside(): () => void {
    this.sink = { data: (chunk) => (this.stray += chunk.toString('utf8')), closed: () => undefined };
    return () => {
      this.sink = null;
    };
  }

  /** After a `##`: no command for `ms`, so the next one cannot merge with it. */
  holdQuiet(ms: number): void {
    this.quietUntil = Date.now() + ms;
  }

  /**
   * After an upload's `##`: wait out the pause the next command needs anyway, then fail with what
   * the server said in the meantime (an upload refused late, e.g. a full disk, is an error text and
   * a close; a stored one gets no reply at all). Something said later surfaces at the next command.
   */
  async uploadSettled(pauseMs: number): Promise<void> {
    this.holdQuiet(pauseMs);
    await this.waitQuiet();
    const said = this.stray.trim();
    this.stray = '';
    if (said !== '') throw new Error(said);
    if (this.closedError !== null) throw this.closedError;
  }

  write(bytes: Buffer): void {
    if (this.current === null || this.closedError !== null) throw this.closedError ?? new Error('not connected');
    this.current.write(bytes);
  }

  /** Resolves once everything written so far has been handed to the kernel (so also on 'drain'). */
  flushed(): Promise<void> {
    const socket = this.current;
    if (socket === null) return Promise.reject(new Error('not connected'));
    return new Promise<void>((resolve, reject) => {
      const onClose = (): void => reject(this.closedError ?? new Error('the server closed the connection'));
      socket.once('close', onClose);
      socket.write(Buffer.alloc(0), (err) => {
        socket.off('close', onClose);
        if (err) reject(this.closedError ?? err);
        else resolve();
      });
    });
  }

  private attach(socket: net.Socket): void {
    this.current = socket;
    let lost: Error | null = null;
    socket.on('data', (chunk: Buffer) => {
      if (this.sink !== null) this.sink.data(chunk);
      else if (!chunk.equals(END_MARKER)) this.stray = (this.stray + chunk.toString('utf8')).slice(0, 4096);
    });
    socket.on('error', (err) => {
      lost = new Error(`connection lost: ${describe(err)}`);
    });
    socket.on('close', () => {
      // What the server said before closing (e.g. "ERROR TOO_LARGE ...") beats "connection reset".
      const said = this.stray.trim();
      this.closedError ??= said !== '' ? new Error(said) : (lost ?? new Error('the server closed the connection'));
      this.sink?.closed(this.closedError);
    });
  }

  private async waitQuiet(): Promise<void> {
    if (this.quietUntil > Date.now()) await sleep(this.quietUntil - Date.now());
  }
}
