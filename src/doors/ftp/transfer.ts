// Data transfers: open the data connection, stream a file or a listing out, stream an upload in.
import type { FileHandle } from 'node:fs/promises';
import * as net from 'node:net';
import type { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { StartAt } from '../../core/append.js';
import { isNetroomError } from '../../core/errors.js';
import { sendRange } from '../send-file.js';
import { FromCrlf, ToCrlf } from './ascii.js';
import { discardRest } from './discard.js';
import { errorReply } from './replies.js';
import { handshakeDone, protectData, sessionResumed } from './secure.js';
import type { FtpSession, TransferRecord } from './session.js';

/**
 * The data connection for one transfer: the passive listener's accepted socket (usually already
 * there: clients connect right after PASV), or a connection to the client's PORT/EPRT endpoint;
 * under PROT P a TLS server socket over it (its handshake is awaited after the 150 reply).
 * Answers 425 (or 521, clear data refused by --ftp-require-tls) and returns null when there is none.
 */
export async function openData(s: FtpSession): Promise<net.Socket | null> {
  if (s.options.requireTls && !s.protP) {
    s.setData(null);
    // RFC 4217 9: 521 when the data connection cannot be opened with this PROT setting.
    s.reply(521, 'Data connections must be protected: send PBSZ 0 and PROT P');
    return null;
  }
  const setup = s.takeData();
  if (setup === null) {
    s.reply(425, 'Use PORT, EPRT, PASV or EPSV first');
    return null;
  }
  try {
    const raw = setup.kind === 'passive' ? await setup.listener.take() : await connectActive(s, setup.endpoint.host, setup.endpoint.port);
    const socket = s.protP && s.tlsContext !== null ? protectData(raw, s.tlsContext) : raw;
    socket.setNoDelay(false); // bulk data: let the kernel coalesce
    // No progress for dataTimeoutMs (either way): the transfer fails with 426 rather than hanging.
    socket.setTimeout(s.options.dataTimeoutMs, () => socket.destroy(new Error('data connection timed out')));
    return socket;
  } catch (err) {
    s.reply(425, `Cannot open data connection: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

function connectActive(s: FtpSession, host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, localAddress: s.localHost, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error('timed out connecting to the client')), s.options.dataTimeoutMs);
    timer.unref();
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Bookkeeping of one running transfer: bytes, the abort reason, and the record reported at the end. */
class Transfer {
  aborted: string | null = null;
  /** The data connection's own first error (reset, timeout): says more than "closed" does. */
  cause: Error | null = null;

  constructor(
    private readonly s: FtpSession,
    readonly verb: string,
    readonly path: string,
    private readonly socket: net.Socket,
    private readonly direction: 'in' | 'out',
  ) {
    socket.on('error', (err) => (this.cause ??= err));
    s.beginTransfer({ verb, path, bytes: () => this.count, abort: (reason) => this.abort(reason) });
  }

  /** Bytes moved on the data connection so far (on the wire: after TYPE A conversion). */
  get count(): number {
    return this.direction === 'in' ? this.socket.bytesRead : this.socket.bytesWritten;
  }

  abort(reason: string): void {
    this.aborted ??= reason;
    this.socket.destroy();
  }

  /** Reply, report, and release the session for the next command. */
  finish(code: number, text: string, outcome: TransferRecord['outcome']): void {
    this.s.endTransfer();
    const resumed = sessionResumed(this.socket);
    this.socket.destroy(); // after pipeline this is a no-op or frees a socket the client left open
    this.s.reply(code, text);
    this.s.shared.report({ verb: this.verb, path: this.path, bytes: this.count, outcome, code, ...(resumed === undefined ? {} : { tlsResumed: resumed }) });
  }

  /** The reply for a failed transfer: ABOR/client/timeout 426, core errors by code. */
  failure(err: unknown, context: 'file' | 'upload'): { code: number; text: string; outcome: TransferRecord['outcome'] } {
    if (this.aborted !== null) return { code: 426, text: `Transfer aborted: ${this.aborted}`, outcome: 'aborted' };
    if (isNetroomError(err)) return { ...errorReply(err, context), outcome: 'failed' };
    return { code: 426, text: `Connection closed; transfer aborted (${describe(err)})`, outcome: 'aborted' };
  }
}

/** Send a stream on the data connection (RETR): 150, the bytes (LF to CRLF in TYPE A), 226. */
export async function sendStream(s: FtpSession, verb: string, virtual: string, source: Readable, size: number | null): Promise<void> {
  const socket = await openData(s);
  if (socket === null) {
    source.destroy();
    return;
  }
  const t = new Transfer(s, verb, virtual, socket, 'out');
  const mode = s.type === 'A' ? 'ASCII' : 'BINARY';
  s.reply(150, `Opening ${mode} mode data connection for ${virtual}${size === null ? '' : ` (${size} bytes)`}`);
  try {
    await handshakeDone(socket);
    const stages: Array<Readable | Transform | net.Socket> = s.type === 'A' ? [source, new ToCrlf(), socket] : [source, socket];
    await pipeline(stages);
    s.ctx.metrics?.bytesOut.inc({ door: 'ftp' }, t.count);
    t.finish(226, 'Transfer complete', 'complete');
  } catch (err) {
    source.destroy();
    s.ctx.metrics?.bytesOut.inc({ door: 'ftp' }, t.count);
    const { code, text, outcome } = t.failure(err, 'file');
    t.finish(code, text, outcome);
  }
}

/**
 * Send bytes [start, size) of an open file on the data connection (RETR in TYPE I): 150, the bytes
 * from the door's pooled buffers (a crowd of downloads stays in bounded memory, which a 1 MiB
 * ReadStream each did not), 226. Closes the handle whatever happens.
 */
export async function sendFile(s: FtpSession, verb: string, virtual: string, handle: FileHandle, start: number, size: number): Promise<void> {
  const socket = await openData(s);
  if (socket === null) {
    await handle.close().catch(() => undefined);
    return;
  }
  const t = new Transfer(s, verb, virtual, socket, 'out');
  s.reply(150, `Opening BINARY mode data connection for ${virtual} (${size - start} bytes)`);
  try {
    await handshakeDone(socket);
    if (start < size) {
      const { error } = await sendRange(socket, handle, start, size - 1, s.shared.buffers);
      // The file's fault (read failed, it shrank) as it is; for the connection its own error beats "closed".
      if (error !== null) throw isNetroomError(error) ? error : (t.cause ?? error);
    } else {
      await handle.close().catch(() => undefined);
      socket.end();
    }
    // Like pipeline: 226 only once the socket has flushed every byte and sent its FIN.
    await finished(socket, { readable: false });
    s.ctx.metrics?.bytesOut.inc({ door: 'ftp' }, t.count);
    t.finish(226, 'Transfer complete', 'complete');
  } catch (err) {
    s.ctx.metrics?.bytesOut.inc({ door: 'ftp' }, t.count);
    const { code, text, outcome } = t.failure(err, 'file');
    t.finish(code, text, outcome);
  }
}

/** Send a listing on the data connection (LIST/NLST/MLSD): 150, the lines in CRLF, 226. */
export async function sendLines(s: FtpSession, verb: string, virtual: string, lines: readonly string[]): Promise<void> {
  const socket = await openData(s);
  if (socket === null) return;
  const t = new Transfer(s, verb, virtual, socket, 'out');
  s.reply(150, `Here comes the listing of ${virtual}`);
  const body = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');
  try {
    await handshakeDone(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.end(body, () => resolve());
    });
    t.finish(226, 'Listing sent', 'complete');
  } catch (err) {
    const { code, text, outcome } = t.failure(err, 'file');
    t.finish(code, text, outcome);
  }
}

/**
 * Receive an upload (STOR, APPE, STOU) into the library. The bytes go to a hidden file; when the
 * client closes the data connection and its control connection is still there, the file is fsynced
 * and renamed into place and the room hears of it. When the client is gone, aborted, or stalls,
 * what arrived is kept hidden (a later REST+STOR or APPE continues it) and nothing becomes visible.
 * When the server refuses it mid-transfer (full disk 452, size limit 552), the file is removed and
 * the rest of what the client sends is read and dropped before the reply (discard.ts).
 */
export async function receiveUpload(s: FtpSession, verb: string, virtual: string, rel: string, start: StartAt, preamble: string): Promise<void> {
  const upload = await s.shared.continuations.begin(rel, start, s.source);
  const socket = await openData(s);
  if (socket === null) {
    await upload.abort();
    return;
  }
  const t = new Transfer(s, verb, virtual, socket, 'in');
  s.reply(150, preamble);
  // Read through an iterator that leaves the socket open when the upload fails, where
  // pipeline(socket, ...) would destroy it with the client's bytes unread: a reset, not a reply.
  const source: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => socket.iterator({ destroyOnReturn: false }) };
  try {
    await handshakeDone(socket);
    await (s.type === 'A' ? pipeline(source, new FromCrlf(), upload) : pipeline(source, upload));
    await upload.flush();
    // A killed client closes both connections at once; its data may look complete. Placing the file
    // only while the control connection is there keeps a dropped client's bytes from going visible.
    if (s.gone) t.aborted ??= 'the control connection closed';
    if (t.aborted !== null) throw new Error(t.aborted);
    const result = await upload.commit();
    s.ctx.metrics?.bytesIn.inc({ door: 'ftp' }, t.count);
    s.ctx.metrics?.uploads.inc({ door: 'ftp' });
    s.log.debug({ path: result.path, size: result.size, sha256: result.sha256, offset: upload.offset }, 'upload stored');
    t.finish(226, `Transfer complete: ${result.size} bytes, SHA-256 ${result.sha256}`, 'complete');
    s.ctx.chat.fileShared(result.path, result.size, s.actor.name);
  } catch (err) {
    const reply = t.failure(err, 'upload');
    // A refusal by the server (size limit, full disk, name taken) leaves nothing; a connection that
    // failed leaves its bytes to be continued.
    if (reply.outcome === 'failed') {
      await upload.abort();
      const at = t.count;
      const whole = await discardRest(socket, s.options.discard);
      s.log.info({ path: rel, code: reply.code, received: at, dropped: t.count - at, whole }, whole ? 'refused upload read to its end' : 'refused upload cut');
      s.ctx.metrics?.bytesIn.inc({ door: 'ftp' }, t.count);
      t.finish(reply.code, reply.text, 'failed');
      return;
    }
    s.ctx.metrics?.bytesIn.inc({ door: 'ftp' }, t.count);
    const kept = await upload.keep();
    s.log.info({ path: rel, kept, reason: t.aborted ?? describe(err) }, 'upload interrupted');
    t.finish(reply.code, reply.text, kept === null ? 'aborted' : 'kept');
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.message;
  return String(err);
}
