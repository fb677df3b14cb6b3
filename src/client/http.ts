// HTTP client of the netroom file API (SPEC 3.3): URLs, requests with JSON errors, list/mkdir/rm/stat/announce.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Entry } from '../core/library.js';

/** Where the terminal clients connect when no URL is given (`netroom serve`'s HTTP door). */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Longest error body read from the server (it is JSON of a few hundred bytes). */
const MAX_ERROR_BODY = 64 * 1024;

/** A server base URL: `http(s)://host:port` (a bare `host:port` means http). Throws a one-line message. */
export function parseServerUrl(input: string | undefined): URL {
  const text = (input ?? DEFAULT_URL).trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//iu.test(text) ? text : `http://${text}`);
  } catch {
    throw new Error(`not a URL: "${text}" (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`expected an http:// or https:// URL, not "${text}"`);
  }
  if (url.username !== '' || url.password !== '') throw new Error('user names and passwords in the URL are not supported');
  return url;
}

/** A place in the library named by a URL: the server, the library path ('' is the root), and whether it ended in `/`. */
export interface LibraryTarget {
  readonly server: URL;
  readonly path: string;
  /** True when the URL ended with `/` (or named the root): it names a folder. */
  readonly folder: boolean;
}

/**
 * Split `http://host:port/PATH` into the server and a library path. The rule: everything after
 * host:port is the library path, so `http://h:8080/a/b.txt` is `a/b.txt`; a leading `/files/`
 * (the download links the server shows) is the API prefix and is dropped, so
 * `http://h:8080/files/a/b.txt` is the same file (a folder really named `files` is `/files/files/`).
 * Percent escapes are decoded; a query or fragment is refused.
 */
export function parseLibraryUrl(input: string): LibraryTarget {
  const url = parseServerUrl(input);
  if (url.search !== '' || url.hash !== '') throw new Error(`a file URL has no ?query or #fragment: "${input}"`);
  let raw = url.pathname;
  if (raw === '/files' || raw.startsWith('/files/')) raw = raw.slice('/files'.length);
  const parts = raw.split('/').filter((p) => p !== '');
  const decoded = parts.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new Error(`bad percent escape in "${input}"`);
    }
  });
  const server = new URL(url.origin);
  return { server, path: decoded.join('/'), folder: parts.length === 0 || raw.endsWith('/') };
}

/** The WebSocket chat URL of a server: `http(s)://host:port` -> `ws(s)://host:port/ws`; a ws(s) URL is kept. */
export function chatUrl(input: string | undefined): URL {
  const text = (input ?? DEFAULT_URL).trim();
  if (/^wss?:\/\//iu.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`not a URL: "${text}"`);
    }
    if (url.pathname === '/') url.pathname = '/ws';
    return url;
  }
  const server = parseServerUrl(text);
  return new URL(`${server.protocol === 'https:' ? 'wss:' : 'ws:'}//${server.host}/ws`);
}

/** The URL path of a library file: `/files/` + each part percent-encoded. */
export function filePath(libraryPath: string, prefix = '/files/'): string {
  return prefix + libraryPath.split('/').filter((p) => p !== '').map(encodeURIComponent).join('/');
}

/** A failed HTTP call: the server's status, stable code and message, or `status` 0 for a network failure. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: http.IncomingHttpHeaders = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** True for failures worth retrying: the network, or the server's own trouble (5xx but not disk full). */
  get retriable(): boolean {
    return this.status === 0 ? RETRIABLE.has(this.code) : this.status >= 500 && this.code !== 'DISK_FULL';
  }
}

/** Network failures that may well go away on a new connection. */
const RETRIABLE = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'TRUNCATED', 'NETWORK']);

/** What HEAD /files/PATH says about a file. */
export interface RemoteFile {
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: string;
  /** The server takes byte ranges (`Accept-Ranges: bytes`). */
  readonly ranges: boolean;
  /** SHA-256 (hex) when the server sends a representation digest (`Repr-Digest` or `Digest`). */
  readonly sha256?: string;
}

/** Options of one request. */
export interface RequestOptions {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  /** A body to stream (with backpressure) or a small buffer. */
  readonly body?: Readable | Buffer;
  readonly signal?: AbortSignal;
  /** Resolve with the response whatever its status (default: statuses >= 400 reject with HttpError). */
  readonly anyStatus?: boolean;
  /** Told which connection carries the request (to count connections). */
  readonly onSocket?: (socket: Socket) => void;
}

/** Options of an {@link HttpClient}. */
export interface HttpClientOptions {
  /** A connection silent for this long fails (ms). Default 60000. */
  readonly idleTimeoutMs?: number;
}

/** A client of one netroom server's HTTP door; keeps connections alive between calls. `close()` when done. */
export class HttpClient {
  readonly base: URL;
  private readonly agent: http.Agent;
  private readonly idleTimeoutMs: number;

  constructor(base: URL | string, options: HttpClientOptions = {}) {
    this.base = typeof base === 'string' ? parseServerUrl(base) : base;
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true });
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  /** `host:port` of the server, for messages. */
  get target(): string {
    return this.base.host;
  }

  /** GET /api/files?path=DIR: the folder's visible entries. */
  async list(dir: string): Promise<Entry[]> {
    const res = await this.request(`/api/files?${new URLSearchParams({ path: dir }).toString()}`);
    const body = await readJson(res);
    if (!Array.isArray(body)) throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', 'the server sent a listing that is not a list');
    return body as Entry[];
  }

  /** POST /api/folders?path=DIR: create one folder (its parent must exist). */
  async mkdir(dir: string): Promise<void> {
    const res = await this.request(`/api/folders?${new URLSearchParams({ path: dir }).toString()}`, { method: 'POST' });
    res.resume();
  }

  /** DELETE /files/PATH: a file or an empty folder. */
  async remove(path: string): Promise<void> {
    const res = await this.request(filePath(path), { method: 'DELETE' });
    res.resume();
  }

  /** HEAD /files/PATH: size, validators, range support and (if sent) the SHA-256. */
  async stat(path: string): Promise<RemoteFile> {
    const res = await this.request(filePath(path), { method: 'HEAD', anyStatus: true });
    res.resume();
    if ((res.statusCode ?? 0) < 400) return remoteFile(res.headers);
    // A HEAD answer has no body to say why: one byte's GET brings the JSON error.
    const probe = await this.request(filePath(path), { headers: { range: 'bytes=0-0' } });
    probe.resume();
    throw statusError(res.statusCode ?? 0, res.headers, null);
  }

  /** HEAD /uploads/PATH: how much of an interrupted upload the server keeps, or null when none. */
  async uploadOffset(path: string): Promise<{ offset: number; length: number } | null> {
    const res = await this.request(filePath(path, '/uploads/'), { method: 'HEAD', anyStatus: true });
    res.resume();
    // A HEAD carries no error body: whatever the refusal, the PUT that follows will say it properly.
    if (res.statusCode !== 200) return null;
    const offset = Number(res.headers['upload-offset']);
    const length = Number(res.headers['upload-length']);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || offset > length) return null;
    return { offset, length };
  }

  /** POST /api/announce with the admin token. */
  async announce(text: string, token: string): Promise<void> {
    const res = await this.request('/api/announce', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ text })),
    });
    res.resume();
  }

  /**
   * One request to `pathAndQuery` on the server. Resolves with the response (its body still to be
   * read); a status >= 400 rejects with an HttpError carrying the server's code and message; a
   * network failure rejects with status 0. A bodiless request on a reused keep-alive connection the
   * server had just closed is sent once more.
   */
  async request(pathAndQuery: string, options: RequestOptions = {}): Promise<http.IncomingMessage> {
    try {
      return await this.requestOnce(pathAndQuery, options);
    } catch (err) {
      if (err instanceof StaleSocketError && options.body === undefined) return this.requestOnce(pathAndQuery, options);
      throw err instanceof StaleSocketError ? err.cause : err;
    }
  }

  /** Drop the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private requestOnce(pathAndQuery: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const url = new URL(pathAndQuery, this.base);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: http.OutgoingHttpHeaders = { ...options.headers };
    if (Buffer.isBuffer(options.body)) headers['content-length'] = options.body.length;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { method: options.method ?? 'GET', headers, agent: this.agent, signal: options.signal });
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        if (isLocalError(err)) {
          reject(err instanceof Error ? err : new Error(String(err))); // the body's file failed: the caller says which file
          return;
        }
        const wrapped = networkError(err, this.target);
        reject(req.reusedSocket && wrapped.code === 'ECONNRESET' ? new StaleSocketError(wrapped) : wrapped);
      };
      req.on('error', fail);
      if (options.onSocket) req.once('socket', options.onSocket);
      req.setTimeout(this.idleTimeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('response', (res) => {
        res.on('error', () => undefined); // read errors surface where the body is consumed
        if (settled) {
          res.resume();
          return;
        }
        settled = true;
        const status = res.statusCode ?? 0;
        if (status < 400 || options.anyStatus === true) {
          resolve(res);
          return;
        }
        // The server refused: stop sending a body it will not read, then report its JSON error.
        if (options.body !== undefined && !Buffer.isBuffer(options.body)) options.body.unpipe(req);
        const done = (body: unknown): void => {
          // A request whose body was cut short cannot carry another one: let its connection go.
          if (!req.writableFinished) req.destroy();
          reject(statusError(status, res.headers, body));
        };
        readErrorBody(res).then(done, () => done(null));
      });
      const body = options.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.once('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }
}

/** A request failed on a reused keep-alive connection the server had closed: safe to send once more. */
class StaleSocketError extends Error {
  constructor(override readonly cause: HttpError) {
    super(cause.message);
  }
}

/** The file facts in the headers of a GET or HEAD response. */
export function remoteFile(headers: http.IncomingHttpHeaders): RemoteFile {
  const size = Number(headers['content-length']);
  const sha256 = digestOf(headers);
  return {
    size: Number.isSafeInteger(size) ? size : -1,
    ranges: /\bbytes\b/iu.test(String(headers['accept-ranges'] ?? '')),
    ...(headers.etag !== undefined && { etag: headers.etag }),
    ...(headers['last-modified'] !== undefined && { lastModified: headers['last-modified'] }),
    ...(sha256 !== undefined && { sha256 }),
  };
}

/** SHA-256 (hex) from `Repr-Digest: sha-256=:BASE64:` (RFC 9530) or the older `Digest: SHA-256=BASE64` (RFC 3230). */
export function digestOf(headers: http.IncomingHttpHeaders): string | undefined {
  const repr = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/iu.exec(String(headers['repr-digest'] ?? ''));
  const old = /(?:^|,)\s*sha-256=([A-Za-z0-9+/=]+)/iu.exec(String(headers.digest ?? ''));
  const b64 = repr?.[1] ?? old?.[1];
  if (b64 === undefined) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/** Read a small JSON body (at most 64 KiB). */
export async function readJson(res: http.IncomingMessage): Promise<unknown> {
  const text = await readText(res, MAX_ERROR_BODY * 16);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', 'the server sent something that is not JSON');
  }
}

async function readText(res: http.IncomingMessage, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', 'the server sent a body far larger than expected');
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The HttpError a failed response stands for (reads its small JSON body). */
export async function responseError(res: http.IncomingMessage): Promise<HttpError> {
  const status = res.statusCode ?? 0;
  try {
    return statusError(status, res.headers, await readErrorBody(res));
  } catch {
    return statusError(status, res.headers, null);
  }
}

async function readErrorBody(res: http.IncomingMessage): Promise<unknown> {
  if (res.statusCode === 304 || res.statusCode === 204) return null;
  const text = await readText(res, MAX_ERROR_BODY);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.trim() === '' ? null : text.trim().split('\n', 1)[0];
  }
}

/** An HttpError from a status and the server's `{error: {code, message}}` (or whatever text it sent). */
function statusError(status: number, headers: http.IncomingHttpHeaders, body: unknown): HttpError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    return new HttpError(status, error.code, `${error.code}: ${error.message}`, headers);
  }
  const reason = http.STATUS_CODES[status] ?? 'error';
  const text = typeof body === 'string' && body !== '' ? `: ${body.slice(0, 200)}` : '';
  return new HttpError(status, `HTTP_${status}`, `HTTP ${status} ${reason}${text}`, headers);
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the server running?)',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed by the server',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** A network-level failure as an HttpError with status 0 and the system code (ABORTED for our own abort). */
export function networkError(err: unknown, target: string): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as (Error & { code?: string }) | undefined;
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return new HttpError(0, 'ABORTED', 'cancelled');
  // A body torn mid-way shows as "aborted" or a premature close: the connection went.
  if (e?.message === 'aborted' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new HttpError(0, 'ECONNRESET', `cannot talk to ${target}: the connection closed mid-transfer`);
  }
  const code = e?.code ?? 'NETWORK';
  const reason = REASONS[code] ?? (e?.message === 'socket hang up' ? 'the server closed the connection' : (e?.message ?? String(err)));
  return new HttpError(0, code, `cannot talk to ${target}: ${reason}`);
}

const LOCAL_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'no such folder',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
};

/** True for an error of the local file system (it names a path), as opposed to the network. */
function isLocalError(err: unknown): boolean {
  return !(err instanceof HttpError) && typeof (err as NodeJS.ErrnoException | undefined)?.path === 'string';
}

/** A failure of the local disk (reading an upload, writing a download) as an HttpError with status 0; undefined for anything else. */
export function localError(err: unknown, file: string, verb: 'read' | 'write'): HttpError | undefined {
  if (!isLocalError(err)) return undefined;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'IO_ERROR';
  return new HttpError(0, code, `cannot ${verb} ${file}: ${LOCAL_REASONS[code] ?? e.message}`);
}
