// The HTTP door's one mapping from errors to statuses and the `{error: {code, message}}` body.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isNetroomError, type ErrorCode } from '../../core/errors.js';
import { ResumeConflict } from '../../core/partial.js';
import type { Metrics } from '../../metrics.js';
import { discardBody } from './body.js';

/** Codes only the HTTP door raises, beside the core's. */
export type HttpCode =
  | ErrorCode
  | 'UNAUTHORIZED'
  | 'OFFSET_MISMATCH'
  | 'RANGE_NOT_SATISFIABLE'
  | 'PRECONDITION_FAILED'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_AN_IMAGE'
  | 'BAD_HOST'
  | 'CROSS_ORIGIN'
  | 'BAD_GATEWAY'
  | 'INTERNAL';

/** An error the door answers as is: status, stable code, English message, extra headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Status of each core code (SPEC 3.3 and the issue-3 contract). */
const STATUS: Record<ErrorCode, number> = {
  BAD_NAME: 400,
  RESERVED_NAME: 400,
  NAME_TAKEN: 409,
  NOT_IN_ROOM: 400,
  ALREADY_IN_ROOM: 409,
  EMPTY_MESSAGE: 400,
  MESSAGE_TOO_LONG: 400,
  BAD_MESSAGE: 400,
  RATE_LIMITED: 429,
  BAD_REQUEST: 400,
  BAD_PATH: 400,
  OUTSIDE_ROOT: 403,
  HIDDEN_PATH: 403,
  NOT_FOUND: 404,
  EMPTY_LIBRARY: 404,
  NOT_A_FILE: 400,
  NOT_A_DIRECTORY: 400,
  ALREADY_EXISTS: 409,
  NOT_EMPTY: 409,
  TOO_LARGE: 413,
  DISK_FULL: 507,
  PERMISSION_DENIED: 403,
  UPLOAD_ABORTED: 400,
  IO_ERROR: 500,
  SERVER_CLOSING: 503,
  TOO_MANY_MEMBERS: 503,
  BAD_ROOM: 400,
  NO_SUCH_ROOM: 404,
  NO_SUCH_MEMBER: 404,
  INVITE_ONLY: 403,
  BAD_KEY: 403,
  ROOM_FULL: 403,
  TOO_MANY_ROOMS: 403,
  NOT_OPERATOR: 403,
  MODERATED: 403,
  BAD_CREDENTIALS: 401,
  BAD_PASSWORD: 400,
  NAME_RESERVED: 409,
  ACCOUNTS_ONLY: 401,
  NO_SUCH_ACCOUNT: 404,
  NOT_SIGNED_IN: 401,
  BANNED: 403,
  MUTED: 403,
  BAD_INVITATION: 410,
  STORE_UNAVAILABLE: 503,
};

/** Turn anything thrown by a route (or by Fastify itself) into the HttpError the client gets. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isNetroomError(err)) {
    // RFC 9110 10.2.3: how long to wait, when the core says (a sign-in limit, in seconds).
    const wait = err.params['retryAfter'];
    const headers: Record<string, string> = err.code === 'RATE_LIMITED' && typeof wait === 'number' && wait > 0 ? { 'retry-after': String(Math.ceil(wait)) } : {};
    return new HttpError(STATUS[err.code], err.code, err.message, headers);
  }
  if (err instanceof ResumeConflict) {
    return new HttpError(409, 'OFFSET_MISMATCH', err.message, err.offset === null ? {} : { 'upload-offset': String(err.offset) });
  }
  const fastify = err as Partial<FastifyError> | undefined;
  const status = fastify?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals: a body over the JSON limit, bad JSON, a bad URL, a media type it has no parser for.
    if (fastify?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new HttpError(413, 'TOO_LARGE', 'the request body is too large');
    if (status === 415) return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON (Content-Type: application/json)');
    if (status === 404) return new HttpError(404, 'NOT_FOUND', 'no such route');
    return new HttpError(status, 'BAD_REQUEST', fastify?.message ?? 'bad request');
  }
  return new HttpError(500, 'INTERNAL', 'internal server error');
}

/** The JSON body of every error answer. */
export function errorBody(err: HttpError): { error: { code: string; message: string } } {
  return { error: { code: err.code, message: err.message } };
}

/**
 * Before an error answer: a body may still be coming. Read it off the wire (up to a cap) so the
 * client sees this answer rather than a reset. A client that sent `Expect: 100-continue` and got
 * no 100 holds its body back: the connection cannot carry another request, so it is closed.
 */
function endBody(request: FastifyRequest, reply: FastifyReply): void {
  if (request.headers.expect !== undefined && !request.raw.complete) reply.header('connection', 'close');
  discardBody(request.raw);
}

/** Methods each route family answers, for 405 instead of 404 on a known path. */
const ALLOWED: Array<[RegExp, string]> = [
  [/^\/files\/.+/u, 'GET, HEAD, PUT, DELETE, MOVE'],
  [/^\/uploads\/.+/u, 'HEAD'],
  [/^\/api\/files$/u, 'GET'],
  [/^\/api\/(folders|announce|tokens|invitations)$/u, 'POST'],
  [/^\/api\/session$/u, 'GET, POST, DELETE'],
  [/^\/api\/(sessions|accounts|moderation\/restrictions)$/u, 'GET'],
  [/^\/api\/sessions\/[^/]+$/u, 'DELETE'],
  [/^\/api\/invitations\/[^/]+$/u, 'GET, POST'],
  [/^\/api\/moderation\/(kick|ban|mute|unban|unmute)$/u, 'POST'],
  [/^\/(healthz|metrics)$/u, 'GET, HEAD'],
];

/** Install the error and not-found handlers: every failure answers `{error: {code, message}}`. */
export function installErrorHandling(app: FastifyInstance, log: Logger, metrics: Metrics | undefined): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toHttpError(err);
    metrics?.errors.inc({ door: 'http', code: mapped.code });
    // A 5xx the door chose itself (a MOVE's Destination on another server: 502) is the client's doing, not a failure here.
    if (mapped.status >= 500 && !(err instanceof HttpError)) log.error({ err, method: request.method, url: loggedUrl(request.url) }, 'request failed');
    else log.debug({ code: mapped.code, method: request.method, url: loggedUrl(request.url) }, mapped.message);
    endBody(request, reply);
    // Headers a file route set before failing describe a file, not this JSON.
    reply.removeHeader('content-disposition').removeHeader('content-length');
    return reply.code(mapped.status).headers(mapped.headers).type('application/json; charset=utf-8').send(errorBody(mapped));
  });
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const allowed = ALLOWED.find(([pattern]) => pattern.test(pathname))?.[1];
    const err =
      allowed === undefined
        ? new HttpError(404, 'NOT_FOUND', `no such route: ${request.method} ${pathname}`)
        : new HttpError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here (allowed: ${allowed})`, { allow: allowed });
    metrics?.errors.inc({ door: 'http', code: err.code });
    endBody(request, reply);
    return reply.code(err.status).headers(err.headers).type('application/json; charset=utf-8').send(errorBody(err));
  });
}

/** Fastify's own early refusals (a URL that does not decode, a path parameter too long), in the same JSON shape. */
export function frameworkErrorHandler(metrics: Metrics | undefined): (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (err, request, reply) => {
    const mapped = toHttpError(err);
    metrics?.errors.inc({ door: 'http', code: mapped.code });
    endBody(request, reply);
    void reply.code(mapped.status).type('application/json; charset=utf-8').send(errorBody(mapped));
  };
}

/**
 * Answer what Node's HTTP parser refuses before Fastify sees a request (an unknown method, a bad
 * header, headers too large) in the same JSON shape, then close: the connection cannot be trusted.
 */
export function clientErrorHandler(metrics: Metrics | undefined): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    const code = err.code ?? '';
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    metrics?.errors.inc({ door: 'http', code: 'BAD_REQUEST' });
    const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message: `malformed request (${code || 'parse error'})` } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    socket.destroySoon();
  };
}

/** A URL as logged: an invitation's secret (`/join/nri_...`, `/api/invitations/nri_...`) is a password until used, so never written out. */
export function loggedUrl(url: string): string {
  return url.replace(/nri_[A-Za-z0-9_-]+/gu, 'nri_(secret)');
}
