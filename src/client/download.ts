// Downloads over HTTP: into a temp file renamed at the end, resumed with Range, or as N parallel byte ranges.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileWriter } from './file-writer.js';
import { HttpError, digestOf, filePath, localError, networkError, responseError, type HttpClient } from './http.js';

/** Bytes `start` to `end` of a file, both included (as in a `Range` header). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Resume a partial local file (ours, or the destination itself) with a Range request. */
  readonly resume?: boolean;
  /** Fetch this many byte ranges over as many connections at once (1: one plain GET). */
  readonly parallel?: number;
  /** Called as bytes arrive: the bytes of the file present so far, and the file's size once known. */
  readonly onProgress?: (bytes: number, total?: number) => void;
  readonly signal?: AbortSignal;
}

/** What a finished download reports. */
export interface DownloadResult {
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
  /** Bytes that were already there and were not fetched again (0 for a fresh download). */
  readonly resumedFrom: number;
  /** Connections that carried the file's bytes. */
  readonly connections: number;
  /** True when the server sent a SHA-256 digest and it matched what arrived. */
  readonly verified: boolean;
}

/** A download that stopped halfway: the bytes so far are kept in `partFile` for `--continue`. */
export class DownloadInterrupted extends Error {
  constructor(
    readonly reason: HttpError,
    readonly partFile: string,
    readonly bytes: number,
  ) {
    super(`${reason.message} (${bytes} bytes kept in ${partFile}; the same command with --continue resumes)`);
    this.name = 'DownloadInterrupted';
  }
}

/** Split `size` bytes into `parts` nearly equal ranges (fewer when the file has fewer bytes). */
export function splitRanges(size: number, parts: number): ByteRange[] {
  if (size <= 0) return [];
  const n = Math.max(1, Math.min(Math.floor(parts), size));
  const base = Math.floor(size / n);
  const extra = size % n;
  const ranges: ByteRange[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const length = base + (i < extra ? 1 : 0);
    ranges.push({ start, end: start + length - 1 });
    start += length;
  }
  return ranges;
}

/** The temp file a download of `dest` is written to: hidden, in the same folder (so the rename is atomic). */
export function partPath(dest: string): string {
  const abs = path.resolve(dest);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.netroom-part`);
}

/** `Content-Range: bytes A-B/SIZE`, or `bytes` then an asterisk then `/SIZE` (416); undefined when malformed. */
export function parseContentRange(value: string | undefined): { start?: number; end?: number; size: number } | undefined {
  const match = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+)$/u.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const size = Number(match[3]);
  if (match[1] === undefined) return { size };
  return { start: Number(match[1]), end: Number(match[2]), size };
}

/**
 * Download library file `remote` to `dest`: the bytes go to a hidden temp file beside `dest`,
 * renamed into place once complete, so `dest` never holds a partial file. An interrupted single
 * download keeps its temp file (DownloadInterrupted) for `resume`. SHA-256 is computed on the way
 * and checked against the server's digest header when it sends one.
 */
export async function download(client: HttpClient, remote: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const parallel = options.parallel ?? 1;
  if (parallel > 1) {
    const info = await client.stat(remote);
    // A server without ranges, or a file too small to split, gets one plain GET.
    if (info.ranges && info.size >= 2) return downloadRanges(client, remote, dest, parallel, info, options);
  }
  return downloadOne(client, remote, dest, options);
}

async function downloadOne(client: HttpClient, remote: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const part = partPath(dest);
  const partial = options.resume === true ? await adoptPartial(dest, part) : { offset: 0 };
  let offset = partial.offset;
  const headers: Record<string, string> = {};
  if (offset > 0) headers.range = `bytes=${offset}-`;
  // With the ETag our earlier attempt saw, a file changed since then comes whole (200), not spliced.
  if (offset > 0 && partial.etag !== undefined) headers['if-range'] = partial.etag;
  const sockets = new Set<Socket>();
  const res = await client.request(filePath(remote), {
    headers,
    signal: options.signal,
    anyStatus: true,
    onSocket: (s) => sockets.add(s),
  });
  const status = res.statusCode ?? 0;
  let total: number;
  if (offset > 0 && status === 416) {
    res.resume();
    // Nothing left to fetch if the local file already has every byte; anything else is not a prefix.
    total = parseContentRange(res.headers['content-range'])?.size ?? -1;
    if (total !== offset) {
      throw new HttpError(416, 'NOT_A_PREFIX', `the local file (${offset} bytes) is larger than the remote one (${total} bytes): not a partial copy of it`);
    }
    return finish(part, dest, total, offset, await hashFile(part), sockets.size, digestOf(res.headers));
  } else if (status >= 400) {
    throw await responseError(res);
  } else if (offset > 0 && status === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (range?.start !== offset) {
      res.destroy();
      throw new HttpError(status, 'BAD_RESPONSE', `asked for the bytes from ${offset} on, the server sent ${String(res.headers['content-range'])}`);
    }
    total = range.size;
  } else if (status === 200) {
    offset = 0; // no range support (or the file changed): the whole file came, start over
    total = Number(res.headers['content-length'] ?? -1);
  } else {
    res.destroy();
    throw new HttpError(status, 'BAD_RESPONSE', `unexpected HTTP ${status} for a download`);
  }
  const hash = createHash('sha256');
  if (offset > 0) await feedFile(part, hash);
  else await keepTag(part, res.headers.etag);
  let bytes = offset;
  options.onProgress?.(bytes, total >= 0 ? total : undefined);
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    // Progress counts bytes once they are in the file: what a cancel after it keeps is what it saw.
    const out = new FileWriter(await fs.open(part, offset > 0 ? 'r+' : 'w'), offset, (n) => {
      bytes += n;
      options.onProgress?.(bytes, total >= 0 ? total : undefined);
    });
    await pipeline(res, hasher, out);
    if (total >= 0 && bytes !== total) throw new HttpError(0, 'TRUNCATED', `the connection ended after ${bytes} of ${total} bytes`);
  } catch (err) {
    const local = localError(err, dest, 'write');
    if (local) {
      await removePart(part);
      throw local;
    }
    // Our own cancel tears the response down too: say "cancelled", not "the connection closed".
    const reason = options.signal?.aborted === true ? new HttpError(0, 'ABORTED', 'cancelled') : networkError(err, client.target);
    const kept = (await fileSize(part).catch(() => null)) ?? 0;
    if (kept > 0) throw new DownloadInterrupted(reason, part, kept);
    await removePart(part);
    throw reason;
  }
  return finish(part, dest, bytes, offset, hash.digest('hex'), sockets.size, digestOf(res.headers));
}

/** The N-connection download: a preallocated temp file, each range written at its own offset. */
async function downloadRanges(
  client: HttpClient,
  remote: string,
  dest: string,
  parallel: number,
  info: { size: number; etag?: string; sha256?: string },
  options: DownloadOptions,
): Promise<DownloadResult> {
  const part = partPath(dest);
  const size = info.size;
  const handle = await fs.open(part, 'w');
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const sockets = new Set<Socket>();
  let moved = 0;
  options.onProgress?.(0, size);
  const fetchRange = async (range: ByteRange): Promise<void> => {
    const headers: Record<string, string> = { range: `bytes=${range.start}-${range.end}` };
    // If-Range needs a strong validator; with a weak one the ETag is compared below instead.
    if (info.etag !== undefined && !info.etag.startsWith('W/')) headers['if-range'] = info.etag;
    const res = await client.request(filePath(remote), { headers, signal: controller.signal, onSocket: (s) => sockets.add(s) });
    const got = parseContentRange(res.headers['content-range']);
    const changed = info.etag !== undefined && res.headers.etag !== undefined && res.headers.etag !== info.etag;
    if (res.statusCode !== 206 || got?.start !== range.start || got.end !== range.end || got.size !== size || changed) {
      res.destroy();
      throw new HttpError(res.statusCode ?? 0, 'CHANGED', `the file changed on the server during the download (or the server ignored the range ${range.start}-${range.end})`);
    }
    let position = range.start;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (position + chunk.length > range.end + 1) throw new HttpError(206, 'BAD_RESPONSE', 'the server sent more than the range asked for');
      await handle.write(chunk, 0, chunk.length, position);
      position += chunk.length;
      moved += chunk.length;
      options.onProgress?.(moved, size);
    }
    if (position !== range.end + 1) throw new HttpError(0, 'TRUNCATED', `the connection for bytes ${range.start}-${range.end} ended early`);
  };
  try {
    await handle.truncate(size); // the whole size at once: every range writes into its own place
    const tasks = splitRanges(size, parallel).map((range) =>
      fetchRange(range).catch((err: unknown) => {
        controller.abort(); // one range failed: stop the others
        throw err;
      }),
    );
    const results = await Promise.allSettled(tasks);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [localError(r.reason, dest, 'write') ?? networkError(r.reason, client.target)] : []));
    const failure = failures.find((e) => e.code !== 'ABORTED') ?? failures[0];
    if (failure) throw failure;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(part, { force: true });
    if (options.signal?.aborted === true) throw new HttpError(0, 'ABORTED', 'cancelled');
    throw localError(err, dest, 'write') ?? networkError(err, client.target);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  await handle.close();
  const sha256 = await hashFile(part);
  return finish(part, dest, size, 0, sha256, sockets.size, info.sha256);
}

/** Check the digest (when the server sent one), move the temp file into place, report. */
async function finish(
  part: string,
  dest: string,
  size: number,
  resumedFrom: number,
  sha256: string,
  connections: number,
  serverSha256: string | undefined,
): Promise<DownloadResult> {
  await fs.rm(tagPath(part), { force: true });
  if (serverSha256 !== undefined && serverSha256 !== sha256) {
    await fs.rm(part, { force: true });
    throw new HttpError(0, 'CHECKSUM', `SHA-256 mismatch: the server says ${serverSha256}, the bytes that arrived hash to ${sha256}`);
  }
  await fs.rename(part, dest);
  return { file: path.resolve(dest), size, sha256, resumedFrom, connections, verified: serverSha256 !== undefined };
}

/** The partial copy to resume: our temp file (with the ETag it was fetched under) if there is one, else the destination itself (moved aside). */
async function adoptPartial(dest: string, part: string): Promise<{ offset: number; etag?: string }> {
  const partSize = await fileSize(part);
  if (partSize !== null) {
    const etag = (await fs.readFile(tagPath(part), 'utf8').catch(() => '')).trim();
    return etag === '' ? { offset: partSize } : { offset: partSize, etag };
  }
  await fs.rm(tagPath(part), { force: true }); // stale: its temp file is gone
  const destSize = await fileSize(dest);
  if (destSize === null || destSize === 0) return { offset: 0 };
  await fs.rename(dest, part);
  return { offset: destSize };
}

/** Beside a temp file, where the ETag of what it holds is kept (a resume sends it as If-Range). */
function tagPath(part: string): string {
  return `${part}.etag`;
}

/** Remember a strong ETag for a fresh download (weak ones cannot be used in If-Range). */
async function keepTag(part: string, etag: string | undefined): Promise<void> {
  if (etag !== undefined && etag.startsWith('"')) await fs.writeFile(tagPath(part), etag);
  else await fs.rm(tagPath(part), { force: true });
}

async function removePart(part: string): Promise<void> {
  await fs.rm(part, { force: true });
  await fs.rm(tagPath(part), { force: true });
}

async function fileSize(file: string): Promise<number | null> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new Error(`not a regular file: ${file}`);
    return stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Feed a whole local file to `hash` (which stays open for more). */
async function feedFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) hash.update(chunk);
}

/** SHA-256 (hex) of a whole local file. */
async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await feedFile(file, hash);
  return hash.digest('hex');
}
