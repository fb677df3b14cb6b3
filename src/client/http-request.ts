// Sending one request of the HTTP client: streamed bodies, refusals as HttpErrors, one resend on a stale keep-alive.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { HttpError, isLocalError, networkError, statusError } from './http-errors.js';
import { readErrorBody } from './http-response.js';

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

/** Where a request goes and how: the server, its kept-alive connections, and how long a silent one may last (ms). */
export interface RequestContext {
  readonly base: URL;
  readonly agent: http.Agent;
  readonly idleTimeoutMs: number;
  /** Headers every request carries (the bearer token); a request's own headers win. */
  readonly headers?: http.OutgoingHttpHeaders;
}

/**
 * One request to `pathAndQuery` on the server. Resolves with the response (its body still to be
 * read); a status >= 400 rejects with an HttpError carrying the server's code and message; a
 * network failure rejects with status 0. A bodiless request on a reused keep-alive connection the
 * server had just closed is sent once more.
 */
export async function sendRequest(context: RequestContext, pathAndQuery: string, options: RequestOptions = {}): Promise<http.IncomingMessage> {
  try {
    return await sendOnce(context, pathAndQuery, options);
  } catch (err) {
    if (err instanceof StaleSocketError && options.body === undefined) return sendOnce(context, pathAndQuery, options);
    throw err instanceof StaleSocketError ? err.cause : err;
  }
}

/** One attempt of {@link sendRequest}; a reset on a reused connection rejects with a StaleSocketError. */
function sendOnce(context: RequestContext, pathAndQuery: string, options: RequestOptions): Promise<http.IncomingMessage> {
  const url = new URL(pathAndQuery, context.base);
  const transport = url.protocol === 'https:' ? https : http;
  const headers: http.OutgoingHttpHeaders = { ...context.headers, ...options.headers };
  if (Buffer.isBuffer(options.body)) headers['content-length'] = options.body.length;
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = transport.request(url, { method: options.method ?? 'GET', headers, agent: context.agent, signal: options.signal });
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      if (isLocalError(err)) {
        reject(err instanceof Error ? err : new Error(String(err))); // the body's file failed: the caller says which file
        return;
      }
      const wrapped = networkError(err, context.base.host);
      reject(req.reusedSocket && wrapped.code === 'ECONNRESET' ? new StaleSocketError(wrapped) : wrapped);
    };
    req.on('error', fail);
    if (options.onSocket) req.once('socket', options.onSocket);
    req.setTimeout(context.idleTimeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
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

/** A request failed on a reused keep-alive connection the server had closed: safe to send once more. */
class StaleSocketError extends Error {
  constructor(override readonly cause: HttpError) {
    super(cause.message);
  }
}
