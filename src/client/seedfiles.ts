// Client of the seed file protocol (seed 003): list, get, put against netroom or the seeds' Python server.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { END_MARKER, EndMarkerDecoder, OK, decodeList } from '../doors/seedfiles/codec.js';

/** Timings of the client; the defaults match the seed programs. */
export interface SeedFilesClientOptions {
  /** Pause before `##` and before the next command after it (the seed client sleeps 0.1 s). Default 100 ms. */
  pauseMs?: number;
  /** End-marker rules for downloads (see EndMarkerDecoder). Defaults 50 ms and 1 s. */
  endGapMs?: number;
  endQuietMs?: number;
  /** How long to wait for a reply to a command. Default 30 s. */
  replyTimeoutMs?: number;
  /** How long to wait for the connection. Default 10 s. */
  connectTimeoutMs?: number;
}

/** What a finished transfer reports, for the user to compare with the other side. */
export interface TransferResult {
  readonly size: number;
  readonly sha256: string;
}

/** Called as bytes move; `total` is unknown for downloads (the seed protocol sends no size). */
export type ProgressCallback = (bytes: number, total?: number) => void;

/** A listing is complete once it ends with `#` and nothing more came for this long. */
const LIST_SETTLE_MS = 30;
/** More than any sane listing (the seed client reads 4096): a server sending more is cut off. */
const MAX_LIST_BYTES = 1024 * 1024;

type Sink = { data: (chunk: Buffer) => void; closed: (err: Error) => void };

/**
 * One connection to a seed file server. Commands run one at a time (calls queue up). Replies are
 * told apart by timing, as in the seed programs: `OK` arrives alone, file bytes end with a `##`
 * sent after a pause. Any reply other than `OK` rejects with the server's own text.
 */
export class SeedFilesClient {
  private readonly options: Required<SeedFilesClientOptions>;
  private socket: net.Socket | null = null;
  private sink: Sink | null = null;
  /** Bytes nobody asked for, e.g. an error the server sent after an upload's `##`. */
  private stray = '';
  private closedError: Error | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** No command before this time: keeps the next command from merging with a `##` just sent. */
  private quietUntil = 0;

  constructor(options: SeedFilesClientOptions = {}) {
    this.options = {
      pauseMs: options.pauseMs ?? 100,
      endGapMs: options.endGapMs ?? 50,
      endQuietMs: options.endQuietMs ?? 1000,
      replyTimeoutMs: options.replyTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    };
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

  /** `L`: the names in the server's library (an empty library is an error text from the server). */
  list(): Promise<string[]> {
    return this.run(async () => {
      const first = await this.command('L');
      return decodeList(await this.collectList(first));
    });
  }

  /**
   * `G NAME`: download into `destPath` through a temporary file renamed at the end, so a failed
   * download leaves no partial file. Resolves with the size and SHA-256 of what arrived.
   */
  get(name: string, destPath: string, onProgress?: ProgressCallback): Promise<TransferResult> {
    return this.run(async () => {
      const part = `.${path.basename(destPath)}.netroom-part-${randomBytes(6).toString('hex')}`;
      const temp = path.join(path.dirname(path.resolve(destPath)), part); // same folder: rename is atomic
      const out = createWriteStream(temp, { flags: 'wx', highWaterMark: 1024 * 1024 });
      let started = false;
      try {
        await new Promise<void>((resolve, reject) => {
          out.once('open', () => resolve());
          out.once('error', (err) => reject(new Error(`cannot write ${destPath}: ${describe(err)}`)));
        });
        const first = await this.command(`G ${name}`);
        started = true;
        const result = await this.receive(out, first, onProgress);
        await fs.rename(temp, destPath);
        return result;
      } catch (err) {
        // Once the bytes flow the protocol has no way to stop them: only dropping the connection does.
        if (started) this.destroy();
        out.destroy();
        await fs.rm(temp, { force: true });
        throw err;
      }
    });
  }

  /** `P NAME`: upload `srcPath` (as `name`, default its base name), then `##` after a pause. */
  put(srcPath: string, name: string = path.basename(srcPath), onProgress?: ProgressCallback): Promise<TransferResult> {
    return this.run(async () => {
      const handle = await fs.open(srcPath, 'r').catch((err: unknown) => {
        throw new Error(`cannot read ${srcPath}: ${describe(err)}`);
      });
      const stream = createReadStream('', { fd: handle, highWaterMark: 1024 * 1024 });
      let started = false;
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw new Error(`not a regular file: ${srcPath}`);
        await this.command(`P ${name}`);
        started = true;
        const result = await this.send(stream as AsyncIterable<Buffer>, stat.size, onProgress);
        await this.flushed();
        // The seed server compares each recv() with `##`: it has to arrive alone, after a pause.
        await sleep(this.options.pauseMs);
        this.write(END_MARKER);
        await this.flushed();
        this.quietUntil = Date.now() + this.options.pauseMs;
        return result;
      } catch (err) {
        // Sending `##` now would store a partial file: dropping the connection makes the server abort.
        if (started) this.destroy();
        throw err;
      } finally {
        stream.destroy();
      }
    });
  }

  /** `Q`: say goodbye and wait for the connection to close. */
  quit(): Promise<void> {
    return this.run(async () => {
      const socket = this.socket;
      if (socket === null || this.closedError !== null) return;
      await this.waitQuiet();
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.end('Q');
      await closed;
    });
  }

  /** True while connected (false before connect() and after the connection closed or was dropped). */
  get connected(): boolean {
    return this.socket !== null && this.closedError === null;
  }

  /** Drop the connection at once; later calls reject. */
  destroy(): void {
    this.closedError ??= new Error('disconnected');
    this.socket?.destroy();
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
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

  /** Run one operation after the previous one finished, whatever its outcome. */
  private run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async waitQuiet(): Promise<void> {
    if (this.quietUntil > Date.now()) await sleep(this.quietUntil - Date.now());
  }

  /** Send a command and wait for `OK`; resolves with any bytes that came right behind it. */
  private async command(text: string): Promise<Buffer | null> {
    if (this.socket === null) throw new Error('not connected');
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
  private read<T>(
    timeoutMs: number,
    setup: (done: (value: T) => void, fail: (err: Error) => void) => { data: (chunk: Buffer) => void; closed?: (err: Error) => void },
  ): Promise<T> {
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

  /** The listing: chunks until it ends with `#` and the line goes quiet (the seeds send it in one write). */
  private collectList(first: Buffer | null): Promise<Buffer> {
    return this.read<Buffer>(this.options.replyTimeoutMs, (done) => {
      const parts: Buffer[] = [];
      let size = 0;
      let settle: NodeJS.Timeout | undefined;
      const end = (): void => {
        clearTimeout(settle);
        done(Buffer.concat(parts, size));
      };
      const add = (chunk: Buffer | null): void => {
        if (chunk !== null) {
          parts.push(chunk);
          size += chunk.length;
        }
        if (size > MAX_LIST_BYTES) return end();
        // Ends with `#`: complete unless more follows at once. Nothing yet or cut mid-name: allow
        // the server's pause and a slow network (the seed server sends nothing when all is hidden).
        const complete = chunk !== null && chunk[chunk.length - 1] === 0x23;
        clearTimeout(settle);
        settle = setTimeout(end, complete ? LIST_SETTLE_MS : this.options.pauseMs + this.options.endQuietMs);
      };
      add(first);
      return { data: add, closed: () => end() };
    });
  }

  /** File bytes until the end marker, into `out`, hashed on the way; pauses the socket when the disk lags. */
  private receive(out: WriteStream, first: Buffer | null, onProgress?: ProgressCallback): Promise<TransferResult> {
    const socket = this.socket;
    if (socket === null) return Promise.reject(new Error('not connected'));
    const { endGapMs, endQuietMs } = this.options;
    return this.read<TransferResult>(this.options.replyTimeoutMs, (done, fail) => {
      const hash = createHash('sha256');
      const decoder = new EndMarkerDecoder(Date.now(), { gapMs: endGapMs, quietMs: endQuietMs });
      let size = 0;
      let full = false;
      let ending = false;
      let quiet: NodeJS.Timeout | undefined;
      const store = (data: Buffer[]): void => {
        if (data.length > 0 && out.writableCorked === 0) {
          // The socket hands over 64 KiB at a time; one writev per loop turn is ~3x faster on disk.
          out.cork();
          setImmediate(() => out.uncork());
        }
        for (const b of data) {
          hash.update(b);
          size += b.length;
          if (!out.write(b)) full = true;
        }
        if (data.length > 0) onProgress?.(size);
      };
      const end = (): void => {
        clearTimeout(quiet);
        if (ending) return; // a late chunk or the connection's close after the marker
        ending = true;
        // 'close' comes after the last write and the fd's close; after a write error, 'error' has already failed us.
        out.once('close', () => done({ size, sha256: hash.digest('hex') }));
        out.end();
      };
      // The quiet rule runs only while reading flows: a pause for the disk is not silence.
      const armQuiet = (): void => {
        clearTimeout(quiet);
        if (!decoder.tailIsMarker || full) return;
        quiet = setTimeout(() => {
          const result = decoder.tick(Date.now());
          store(result.data);
          if (result.ended) end();
          else armQuiet();
        }, endQuietMs + 5);
      };
      const onChunk = (chunk: Buffer): void => {
        const result = decoder.push(chunk, Date.now());
        store(result.data);
        if (result.ended) return end();
        if (!full) return armQuiet();
        clearTimeout(quiet);
        socket.pause();
        out.once('drain', () => {
          full = false;
          socket.resume();
          armQuiet();
        });
      };
      out.on('error', (err) => {
        clearTimeout(quiet);
        fail(new Error(`cannot write the download: ${describe(err)}`));
      });
      if (first !== null) onChunk(first);
      return {
        data: onChunk,
        closed: (err) => {
          // A server that closes right after `##` (coalesced with the data) still delivered it all.
          const result = decoder.finish();
          store(result.data);
          if (result.ended) end();
          else {
            clearTimeout(quiet);
            fail(err);
          }
        },
      };
    });
  }

  /** Stream a local file to the socket; an error text from the server (then its close) stops it. */
  private async send(stream: AsyncIterable<Buffer>, total: number, onProgress?: ProgressCallback): Promise<TransferResult> {
    const socket = this.socket;
    if (socket === null) throw new Error('not connected');
    const hash = createHash('sha256');
    let size = 0;
    // netroom refuses mid-upload (too large, disk full) with a text, then closes.
    this.sink = { data: (chunk) => (this.stray += chunk.toString('utf8')), closed: () => undefined };
    try {
      for await (const chunk of stream) {
        if (this.closedError !== null) throw this.closedError;
        hash.update(chunk);
        size += chunk.length;
        if (!socket.write(chunk)) await this.flushed();
        onProgress?.(size, total);
      }
    } finally {
      this.sink = null;
    }
    if (this.closedError !== null) throw this.closedError;
    return { size, sha256: hash.digest('hex') };
  }

  private write(bytes: Buffer): void {
    if (this.socket === null || this.closedError !== null) throw this.closedError ?? new Error('not connected');
    this.socket.write(bytes);
  }

  /** Resolves once everything written so far has been handed to the kernel (so also on 'drain'). */
  private flushed(): Promise<void> {
    const socket = this.socket;
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
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'unknown host', EAI_AGAIN: 'unknown host',
  ECONNRESET: 'connection reset by the server', EPIPE: 'connection closed by the server',
  ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a folder',
};

/** A one-line reason for a system error. */
function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return REASONS[e.code ?? ''] ?? e.message ?? String(err);
}
