// One connection of the seed file door: an ordered pump of received chunks that runs L/G/P/Q (seed 003).
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { changeSource } from '../change-source.js';
import type { DoorContext } from '../door.js';
import { NetroomError, isNetroomError } from '../../core/errors.js';
import { errorText } from '../../core/i18n.js';
import type { ChangeSource } from '../../core/library-events.js';
import type { Upload } from '../../core/upload.js';
import {
  END_MARKER,
  EndMarkerDecoder,
  MAX_LIST_BYTES,
  OK,
  checkSeedName,
  encodeList,
  nextCommand,
  parseCommand,
  type SeedCommand,
} from './codec.js';
import type { RootListingCache } from './listing-cache.js';
import { admissionError } from './admission.js';
import { ClosedError, SocketWriter } from './writer.js';

/** Timings of one connection; the door fills in the defaults. */
export interface SessionOptions {
  /** Pause around `OK` and before `##`, as the seed server's `time.sleep(0.1)`. */
  readonly pauseMs: number;
  /** A client that takes no bytes for this long while a download waits is dropped. */
  readonly drainTimeoutMs: number;
  /** A connection with no traffic for this long is closed. */
  readonly idleTimeoutMs: number;
  /** A new connection that sends nothing for this long is closed (the idle timeout applies after its first bytes). */
  readonly firstCommandTimeoutMs: number;
  /** End-marker rules for uploads (see EndMarkerDecoder). */
  readonly endGapMs: number;
  readonly endQuietMs: number;
  /** The root's listable file names for `L`, shared by the door's connections. */
  readonly listing: RootListingCache;
}

type Item = { readonly kind: 'data'; readonly chunk: Buffer; readonly at: number } | { readonly kind: 'quiet' } | { readonly kind: 'eof' };

/** Who the room's file notice names for an upload through this door (it knows no names). */
const ANONYMOUS = 'anonymous';

/** How long a closing connection waits for the peer's FIN before dropping it. */
const LINGER_MS = 5000;

/**
 * One client. Chunks (and timer or end-of-stream events) go through one queue handled in order,
 * so a command sent right after an upload's `##` waits for the commit. While a command is busy the
 * socket is paused: the kernel holds what the client sends next (TCP backpressure, no queue growth).
 */
export class SeedFilesSession {
  /** Resolves once the socket is closed and every piece of work (and upload cleanup) has finished. */
  readonly closed: Promise<void>;
  private readonly inbox: Item[] = [];
  /** True while pump() runs; a flag, because pump() often finishes before its promise could be stored. */
  private pumping = false;
  private pumped: Promise<void> = Promise.resolve();
  private state: 'idle' | 'upload' | 'closing' = 'idle';
  private upload: Upload | null = null;
  private decoder: EndMarkerDecoder | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Upload aborts started outside the pump; `closed` waits for them so no temp file outlives it. */
  private readonly cleanups: Promise<void>[] = [];
  private readonly stop = new AbortController();
  private readonly log: Logger;
  private readonly writer: SocketWriter;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: DoorContext,
    private readonly options: SessionOptions,
  ) {
    this.log = ctx.log.child({ door: 'seed-files', peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` });
    this.writer = new SocketWriter(socket, options.drainTimeoutMs, () =>
      this.log.warn({ timeoutMs: options.drainTimeoutMs }, 'client stopped reading: dropped'),
    );
    socket.setNoDelay(true); // `OK` and `##` must leave at once, not wait behind Nagle
    // net's timer is unref'ed and reset by traffic: first the short wait for a first command, then the idle one.
    let heard = false;
    socket.setTimeout(Math.min(options.firstCommandTimeoutMs, options.idleTimeoutMs));
    socket.once('data', () => {
      heard = true;
      socket.setTimeout(options.idleTimeoutMs);
    });
    socket.on('timeout', () => {
      this.log.info(heard ? 'idle timeout: closing' : 'no command after connecting: closing');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.enqueue({ kind: 'data', chunk, at: Date.now() }));
    socket.on('end', () => this.enqueue({ kind: 'eof' }));
    this.closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.finish().then(resolve, (err: unknown) => {
          this.log.error({ err }, 'cleanup failed');
          resolve();
        });
      });
    });
    this.log.debug('connected');
  }

  /** Drop the connection now (server closing): an upload in progress is aborted. */
  destroy(): void {
    this.socket.destroy();
  }

  private enqueue(item: Item): void {
    if (this.state === 'closing') return; // after Q or a failed upload, what still comes is dropped
    this.inbox.push(item);
    if (!this.pumping) this.pumped = this.pump();
    else if (!this.socket.isPaused()) this.socket.pause();
  }

  /** Handle queued items in order; synchronous while nothing needs waiting (the upload fast path). */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let item = this.inbox.shift(); item !== undefined; item = this.inbox.shift()) {
        if (this.state === 'closing') {
          this.inbox.length = 0;
          break;
        }
        const pending = this.handle(item);
        if (pending !== undefined) {
          this.socket.pause();
          await pending;
        }
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.pumping = false;
    }
    if (this.socket.destroyed) return;
    // Read on even when closing: draining what the peer still sends lets its FIN arrive.
    if (this.socket.isPaused()) this.socket.resume();
    if (this.state !== 'closing') this.armQuiet();
  }

  private handle(item: Item): Promise<void> | undefined {
    if (this.state === 'upload') {
      if (item.kind === 'data') return this.uploadData(item.chunk, item.at);
      const result = item.kind === 'quiet' ? this.decoder?.tick(Date.now()) : this.decoder?.finish();
      if (result === undefined) return undefined;
      this.writeUpload(result.data);
      if (result.ended) return this.finishUpload(item.kind === 'eof');
      if (item.kind === 'eof') return this.abortUpload('the client ended the connection before ##');
      return undefined;
    }
    if (item.kind === 'eof') {
      this.close();
      return undefined;
    }
    if (item.kind === 'quiet') return undefined;
    return this.commands(item.chunk);
  }

  /** Run the commands of one chunk received while idle; bytes after a `P NAME` line start the upload. */
  private async commands(chunk: Buffer): Promise<void> {
    let rest: Buffer | null = chunk;
    while (rest !== null && this.state === 'idle') {
      const next = nextCommand(rest);
      rest = next.rest;
      await this.execute(parseCommand(next.line));
      // Replies to a flood of commands from a client that does not read must not pile up here.
      if (this.socket.writableNeedDrain) await this.writer.drained();
    }
    if (rest !== null && this.state === 'upload') await this.uploadData(rest, Date.now());
  }

  private async execute(command: SeedCommand): Promise<void> {
    try {
      // Asked per command, so a ban made while connected applies at once.
      const refused = command.kind === 'empty' || command.kind === 'marker' || command.kind === 'quit' ? null : admissionError(this.ctx.access, this.socket.remoteAddress);
      if (refused !== null) throw refused;
      switch (command.kind) {
        case 'list':
          return await this.list();
        case 'get':
          return await this.get(command.name);
        case 'put':
          return await this.put(command.name);
        case 'quit':
          return this.close();
        case 'empty':
        case 'marker':
          return; // the seed client reads no reply to these: answering would shift every later reply
        case 'unknown':
          throw command.error;
      }
    } catch (err) {
      if (!isNetroomError(err)) throw err;
      this.log.debug({ code: err.code, command: command.kind }, err.message);
      this.send(Buffer.from(errorText(this.ctx.lang, err)));
      if (err.code === 'BANNED') this.close(); // said why; nothing more for this address
    }
  }

  /** Who asks the library: a guest at this address (the permission table and --guests apply). */
  private get source(): ChangeSource {
    return changeSource('seed-files', this.socket.remoteAddress);
  }

  /** `L`: OK, pause, `name#name#...` of the root's regular visible files, at most 4096 bytes. */
  private async list(): Promise<void> {
    const names = await this.options.listing.names();
    if (names.length === 0) throw new NetroomError('EMPTY_LIBRARY', 'the library is empty');
    const encoded = encodeList(names);
    if (encoded.truncated) {
      this.log.warn({ listed: encoded.included, total: names.length, cap: MAX_LIST_BYTES }, 'listing cut to fit one seed-client read');
    }
    this.send(OK);
    await this.pause();
    this.send(encoded.bytes);
  }

  /** `G NAME`: OK, pause, the bytes (streamed), pause, `##`. */
  private async get(name: string): Promise<void> {
    const file = await this.ctx.library.openRead(checkSeedName(name), {}, this.source);
    try {
      this.send(OK);
      await this.pause();
      await this.writer.pipeFrom(file.stream as AsyncIterable<Buffer>);
    } finally {
      file.stream.destroy();
    }
    await this.pause(); // every byte is in the kernel: the pause separates them from `##`
    this.send(END_MARKER);
    this.log.debug({ path: name, size: file.size }, 'file sent');
  }

  /** `P NAME`: refuse before `OK` when the upload cannot start, else receive until `##`. */
  private async put(name: string): Promise<void> {
    const upload = await this.ctx.library.beginUpload(checkSeedName(name), this.source);
    if (this.state !== 'idle' || this.socket.destroyed) {
      await upload.abort(); // closed while the temp file was being created
      return;
    }
    upload.on('error', (err) => this.uploadFailed(err));
    this.upload = upload;
    this.send(OK);
    this.decoder = new EndMarkerDecoder(Date.now(), {
      gapMs: this.options.endGapMs,
      quietMs: this.options.endQuietMs,
      lineMarkers: true,
    });
    this.state = 'upload';
  }

  private uploadData(chunk: Buffer, at: number): Promise<void> | undefined {
    const result = this.decoder?.push(chunk, at);
    if (result === undefined) return undefined;
    const full = this.writeUpload(result.data);
    if (result.ended) return this.finishUpload(false);
    return full ? this.uploadDrain() : undefined;
  }

  /** Write to the upload; true when its buffer is full and the pump should wait for 'drain'. */
  private writeUpload(data: Buffer[]): boolean {
    const upload = this.upload;
    if (upload === null || upload.destroyed) return false;
    let full = false;
    for (const b of data) full = !upload.write(b) || full;
    return full;
  }

  private uploadDrain(): Promise<void> {
    const upload = this.upload;
    if (upload === null) return Promise.resolve();
    this.clearQuiet(); // paused: silence now says nothing about the client
    return new Promise<void>((resolve) => {
      const done = (): void => {
        upload.off('drain', done);
        upload.off('close', done);
        resolve(); // on close, uploadFailed has already reported what went wrong
      };
      upload.on('drain', done);
      upload.on('close', done);
    });
  }

  private async finishUpload(thenClose: boolean): Promise<void> {
    const upload = this.upload;
    this.upload = null;
    this.decoder = null;
    this.clearQuiet();
    this.state = 'idle';
    if (upload === null || upload.destroyed) return;
    try {
      const result = await upload.commit();
      // The seed protocol carries no name: the notice says "anonymous", as the library's log line does.
      this.ctx.chat.fileShared(result.path, result.size, ANONYMOUS);
      this.log.info({ path: result.path, size: result.size, sha256: result.sha256 }, 'upload stored');
    } catch (err) {
      // The seed client reads no reply after `##`: the error text plus closing is all it can get.
      this.report(err, 'upload failed at commit');
      this.close();
      return;
    }
    if (thenClose) this.close();
  }

  private async abortUpload(why: string): Promise<void> {
    const upload = this.upload;
    this.upload = null;
    this.decoder = null;
    this.clearQuiet();
    this.log.info({ path: upload?.path, received: upload?.received }, `upload aborted: ${why}`);
    this.close();
    await upload?.abort();
  }

  /** The upload stream failed (too large, disk full...): say why and close; the temp file goes. */
  private uploadFailed(err: unknown): void {
    if (this.upload === null) return;
    const upload = this.upload;
    this.upload = null;
    this.decoder = null;
    this.clearQuiet();
    this.report(err, 'upload failed');
    this.close();
    this.cleanups.push(upload.abort());
  }

  /** Arm the quiet rule: only while reading flows, so a pause for backpressure is never taken for silence. */
  private armQuiet(): void {
    this.clearQuiet();
    if (this.state !== 'upload' || this.decoder?.tailIsMarker !== true) return;
    // A few ms of margin: timers may fire a little early against Date.now().
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.enqueue({ kind: 'quiet' });
    }, this.options.endQuietMs + 5);
    this.quietTimer.unref();
  }

  private clearQuiet(): void {
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  private pause(): Promise<void> {
    return sleep(this.options.pauseMs, undefined, { signal: this.stop.signal, ref: false });
  }

  private send(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  private report(err: unknown, what: string): void {
    const error = isNetroomError(err) ? err : new NetroomError('IO_ERROR', 'the server could not store the file');
    this.log.warn({ err, code: error.code }, what);
    this.send(Buffer.from(errorText(this.ctx.lang, error)));
  }

  /**
   * Close politely: what is written still goes out, then FIN. Later input is read and dropped so the
   * peer's FIN is seen (closing with unread input would send RST and could lose our last words);
   * a peer that never closes its side is dropped after a few seconds.
   */
  private close(): void {
    if (this.state === 'closing') return;
    this.state = 'closing';
    this.inbox.length = 0;
    this.clearQuiet();
    if (this.socket.destroyed) return;
    this.socket.end();
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
    this.lingerTimer.unref();
    if (!this.pumping && this.socket.isPaused()) this.socket.resume();
  }

  /** A bug or a lost socket inside a command: this connection ends, the server goes on. */
  private fail(err: unknown): void {
    if (!(err instanceof ClosedError) && !this.stop.signal.aborted) this.log.error({ err }, 'connection failed');
    this.socket.destroy();
  }

  /** After 'close': stop timers and pauses, abort an unfinished upload, wait for in-flight work. */
  private async finish(): Promise<void> {
    this.state = 'closing';
    this.inbox.length = 0;
    this.clearQuiet();
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.stop.abort();
    const upload = this.upload;
    this.upload = null;
    this.decoder = null;
    if (upload !== null) {
      this.log.info({ path: upload.path, received: upload.received }, 'upload aborted: connection closed');
      await upload.abort();
    }
    await this.pumped.catch(() => undefined);
    await Promise.all(this.cleanups);
    this.log.debug('disconnected');
  }
}
