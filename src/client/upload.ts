// Uploads over HTTP: PUT streamed from disk, SHA-256 checked, an interrupted upload resumed with Content-Range.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { Transform, pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, filePath, localError, networkError, readJson, type HttpClient } from './http.js';

/** Options of {@link upload}. */
export interface UploadOptions {
  /** Continue an interrupted upload the server keeps for this path (HEAD /uploads/PATH). Default true. */
  readonly resume?: boolean;
  /** How many times a network failure or a server error is retried, resuming where the server got to. Default 3. */
  readonly retries?: number;
  /** Wait before the first retry (ms), doubled for each next one. Default 500. */
  readonly retryDelayMs?: number;
  /** Refuse to replace an existing file (`If-None-Match: *`). */
  readonly noOverwrite?: boolean;
  /** Called as bytes leave: the bytes of the file the server has or is being sent, and the file's size. */
  readonly onProgress?: (bytes: number, total: number) => void;
  /** Told before each retry why, and from which byte it goes on. */
  readonly onRetry?: (reason: HttpError, offset: number) => void;
  readonly signal?: AbortSignal;
}

/** What a finished upload reports: the server's answer, checked against the local file. */
export interface UploadResult {
  /** The library path the server stored. */
  readonly path: string;
  readonly size: number;
  /** SHA-256 of the local file, equal to the server's. */
  readonly sha256: string;
  /** True when the file is new (201), false when it replaced one (200). */
  readonly created: boolean;
  /** Bytes the server already had from an interrupted upload (0: sent whole). */
  readonly resumedFrom: number;
  /** Requests it took (1 without failures). */
  readonly attempts: number;
}

interface PutAnswer {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly created: boolean;
  readonly localSha256: string;
}

/**
 * Upload local file `source` to library path `remote` with PUT, streaming from disk. The SHA-256
 * is computed while reading and compared with the server's answer. When the server keeps part of
 * an earlier, interrupted upload of a file of the same size, only the rest is sent (Content-Range);
 * should the joined file not hash like the local one, the whole file is sent again.
 */
export async function upload(client: HttpClient, source: string, remote: string, options: UploadOptions = {}): Promise<UploadResult> {
  const size = await localSize(source);
  const retries = options.retries ?? 3;
  let delay = options.retryDelayMs ?? 500;
  let resume = options.resume ?? true;
  let hinted: number | null = null; // an offset the server told us in a 409
  for (let attempt = 1; ; attempt++) {
    let offset = 0;
    try {
      if (hinted !== null) offset = hinted;
      else if (resume && size > 0) {
        const kept = await client.uploadOffset(remote);
        if (kept !== null && kept.length === size && kept.offset < size) offset = kept.offset;
      }
      hinted = null;
      const answer = await putFrom(client, source, remote, size, offset, options);
      if (answer.sha256 === answer.localSha256 && answer.size === size) {
        const { path, created } = answer;
        return { path, size, sha256: answer.localSha256, created, resumedFrom: offset, attempts: attempt };
      }
      const mismatch = new HttpError(0, 'CHECKSUM', `SHA-256 mismatch: the server stored ${answer.size} bytes hashing to ${answer.sha256}, the local file hashes to ${answer.localSha256}`);
      // The kept part was not this file's beginning: send it all, once.
      if (offset === 0 || !resume) throw mismatch;
      resume = false;
      options.onRetry?.(mismatch, 0);
    } catch (err) {
      const failure = localError(err, source, 'read') ?? networkError(err, client.target);
      const serverOffset = Number(failure.headers['upload-offset']);
      if (failure.status === 409 && Number.isSafeInteger(serverOffset) && serverOffset >= 0 && serverOffset < size && attempt <= retries) {
        hinted = serverOffset; // the server holds a different amount than we thought: go on from there
        options.onRetry?.(failure, serverOffset);
        continue;
      }
      if (!failure.retriable || attempt > retries) throw failure;
      options.onRetry?.(failure, offset);
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {
        throw new HttpError(0, 'ABORTED', 'cancelled');
      });
      delay *= 2;
    }
  }
}

/** One PUT of bytes `offset`..end of `source`; the hash covers the whole file (the kept prefix is read first). */
async function putFrom(client: HttpClient, source: string, remote: string, size: number, offset: number, options: UploadOptions): Promise<PutAnswer> {
  const hash = createHash('sha256');
  if (offset > 0) await hashPrefix(source, offset, hash);
  let sent = offset;
  options.onProgress?.(sent, size);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      sent += chunk.length;
      options.onProgress?.(sent, size);
      done(null, chunk);
    },
  });
  // Errors of the file stream reach the counter, whose error ends the request (see HttpClient.request).
  const body = pipeline(createReadStream(source, { start: offset, highWaterMark: 1024 * 1024 }), counter, () => undefined);
  const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'content-length': size - offset };
  if (offset > 0) headers['content-range'] = `bytes ${offset}-${size - 1}/${size}`;
  if (options.noOverwrite === true) headers['if-none-match'] = '*';
  try {
    const res = await client.request(filePath(remote), { method: 'PUT', headers, body, signal: options.signal });
    const answer = (await readJson(res)) as { path?: unknown; size?: unknown; sha256?: unknown } | null;
    if (typeof answer?.sha256 !== 'string' || typeof answer.size !== 'number') {
      throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', 'the server did not answer the upload with its size and SHA-256');
    }
    if (sent !== size) throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', `the server answered after ${sent} of ${size} bytes`);
    return {
      path: typeof answer.path === 'string' ? answer.path : remote,
      size: answer.size,
      sha256: answer.sha256.toLowerCase(),
      created: res.statusCode === 201,
      localSha256: hash.digest('hex'),
    };
  } finally {
    body.destroy();
  }
}

async function localSize(source: string): Promise<number> {
  let stat;
  try {
    stat = await fs.stat(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'IO_ERROR';
    throw new HttpError(0, code, `cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  if (!stat.isFile()) throw new HttpError(0, 'NOT_A_FILE', `not a regular file: ${source}`);
  return stat.size;
}

async function hashPrefix(source: string, length: number, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(source, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
  }
}
