// Seed file client: `G`, a download through a temporary file, its end told by the `##` end-marker rules.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EndMarkerDecoder } from '../../doors/seedfiles/codec.js';
import type { SeedConnection } from './connection.js';
import type { ProgressCallback, TransferResult } from './options.js';
import { describe } from './reasons.js';

/**
 * `G NAME`: download into `destPath` through a temporary file renamed at the end, so a failed
 * download leaves no partial file. Resolves with the size and SHA-256 of what arrived.
 */
export async function downloadFile(
  conn: SeedConnection,
  name: string,
  destPath: string,
  onProgress?: ProgressCallback,
): Promise<TransferResult> {
  const part = `.${path.basename(destPath)}.netroom-part-${randomBytes(6).toString('hex')}`;
  const temp = path.join(path.dirname(path.resolve(destPath)), part); // same folder: rename is atomic
  const out = createWriteStream(temp, { flags: 'wx', highWaterMark: 1024 * 1024 });
  let started = false;
  try {
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (err) => reject(new Error(`cannot write ${destPath}: ${describe(err)}`)));
    });
    const first = await conn.command(`G ${name}`);
    started = true;
    const result = await receive(conn, out, first, onProgress);
    await fs.rename(temp, destPath);
    return result;
  } catch (err) {
    // Once the bytes flow the protocol has no way to stop them: only dropping the connection does.
    if (started) conn.destroy();
    out.destroy();
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/** File bytes until the end marker, into `out`, hashed on the way; pauses the socket when the disk lags. */
function receive(conn: SeedConnection, out: WriteStream, first: Buffer | null, onProgress?: ProgressCallback): Promise<TransferResult> {
  const socket = conn.socket;
  if (socket === null) return Promise.reject(new Error('not connected'));
  const { endGapMs, endQuietMs } = conn.options;
  return conn.read<TransferResult>(conn.options.replyTimeoutMs, (done, fail) => {
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
