// Errors of the HTTP client: HttpError and the mapping of server statuses, network and local disk failures to it.
import * as http from 'node:http';

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

/** An HttpError from a status and the server's `{error: {code, message}}` (or whatever text it sent). */
export function statusError(status: number, headers: http.IncomingHttpHeaders, body: unknown): HttpError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    return new HttpError(status, error.code, `${error.code}: ${error.message}`, headers);
  }
  const reason = http.STATUS_CODES[status] ?? 'error';
  const text = typeof body === 'string' && body !== '' ? `: ${body.slice(0, 200)}` : '';
  return new HttpError(status, `HTTP_${status}`, `HTTP ${status} ${reason}${text}`, headers);
}

/** One-line reasons for the system codes of network failures. */
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

/** One-line reasons for the system codes of local disk failures. */
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
export function isLocalError(err: unknown): boolean {
  return !(err instanceof HttpError) && typeof (err as NodeJS.ErrnoException | undefined)?.path === 'string';
}

/** A failure of the local disk (reading an upload, writing a download) as an HttpError with status 0; undefined for anything else. */
export function localError(err: unknown, file: string, verb: 'read' | 'write'): HttpError | undefined {
  if (!isLocalError(err)) return undefined;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'IO_ERROR';
  return new HttpError(0, code, `cannot ${verb} ${file}: ${LOCAL_REASONS[code] ?? e.message}`);
}
