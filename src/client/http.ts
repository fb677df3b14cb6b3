// HTTP client of the netroom file API (SPEC 3.3): list/mkdir/rm/stat/announce; re-exports the URL, error and request helpers.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Entry } from '../core/library.js';
import { HttpError, statusError } from './http-errors.js';
import { sendRequest, type RequestContext, type RequestOptions } from './http-request.js';
import { readJson, remoteFile, type RemoteFile } from './http-response.js';
import { filePath, parseServerUrl } from './http-urls.js';

// The client's modules are imported from here, so what moved out stays available under its old name.
export { DEFAULT_URL, chatUrl, checkLibraryPath, filePath, parseLibraryUrl, parseServerUrl, type LibraryTarget } from './http-urls.js';
export { HttpError, localError, networkError } from './http-errors.js';
export { digestOf, readJson, remoteFile, responseError, type RemoteFile } from './http-response.js';
export type { RequestOptions } from './http-request.js';

/** Options of an {@link HttpClient}. */
export interface HttpClientOptions {
  /** A connection silent for this long fails (ms). Default 60000. */
  readonly idleTimeoutMs?: number;
  /** A bearer token (`nrt_...`, `nrs_...` or the admin token) sent with every request: who the client is. */
  readonly token?: string;
}

/** A client of one netroom server's HTTP door; keeps connections alive between calls. `close()` when done. */
export class HttpClient {
  readonly base: URL;
  /** The server, the kept-alive connections and the idle timeout, handed to every request. */
  private readonly context: RequestContext;

  constructor(base: URL | string, options: HttpClientOptions = {}) {
    this.base = typeof base === 'string' ? parseServerUrl(base) : base;
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.context = {
      base: this.base,
      agent: new Agent({ keepAlive: true }),
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      ...(options.token !== undefined && { headers: { authorization: `Bearer ${options.token}` } }),
    };
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
   * One request to `pathAndQuery` on the server (see {@link sendRequest}): resolves with the response,
   * its body still to be read; a refusal or a network failure rejects with an HttpError.
   */
  async request(pathAndQuery: string, options: RequestOptions = {}): Promise<http.IncomingMessage> {
    return sendRequest(this.context, pathAndQuery, options);
  }

  /** Drop the kept-alive connections. */
  close(): void {
    this.context.agent.destroy();
  }
}
