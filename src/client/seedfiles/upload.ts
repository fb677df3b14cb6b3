// Seed file client: `P`, an upload streamed from a local file, then `##` sent alone after a pause.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { END_MARKER } from '../../doors/seedfiles/codec.js';
import type { SeedConnection } from './connection.js';
import type { ProgressCallback, TransferResult } from './options.js';
import { describe } from './reasons.js';

/** `P NAME`: upload `srcPath` as `name`, then `##` after a pause. */
export async function uploadFile(
  conn: SeedConnection,
  srcPath: string,
  name: string,
  onProgress?: ProgressCallback,
): Promise<TransferResult> {
  const handle = await fs.open(srcPath, 'r').catch((err: unknown) => {
    throw new Error(`cannot read ${srcPath}: ${describe(err)}`);
  });
  const stream = createReadStream('', { fd: handle, highWaterMark: 1024 * 1024 });
  let started = false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`not a regular file: ${srcPath}`);
    await conn.command(`P ${name}`);
    started = true;
    const result = await send(conn, stream as AsyncIterable<Buffer>, stat.size, onProgress);
    await conn.flushed();
    // The seed server compares each recv() with `##`: it has to arrive alone, after a pause.
    const { pauseMs } = conn.options;
    await sleep(pauseMs);
    conn.write(END_MARKER);
    await conn.flushed();
    await conn.uploadSettled(pauseMs);
    return result;
  } catch (err) {
    // Sending `##` now would store a partial file: dropping the connection makes the server abort.
    if (started) conn.destroy();
    throw err;
  } finally {
    stream.destroy();
  }
}

/** Stream a local file to the socket; an error text from the server (then its close) stops it. */
async function send(
  conn: SeedConnection,
  stream: AsyncIterable<Buffer>,
  total: number,
  onProgress?: ProgressCallback,
): Promise<TransferResult> {
  const socket = conn.socket;
  if (socket === null) throw new Error('not connected');
  const hash = createHash('sha256');
  let size = 0;
  const stopSettingAside = conn.setRepliesAside();
  try {
    for await (const chunk of stream) {
      if (conn.failure !== null) throw conn.failure;
      hash.update(chunk);
      size += chunk.length;
      if (!socket.write(chunk)) await conn.flushed();
      onProgress?.(size, total);
    }
  } finally {
    stopSettingAside();
  }
  if (conn.failure !== null) throw conn.failure;
  return { size, sha256: hash.digest('hex') };
}
