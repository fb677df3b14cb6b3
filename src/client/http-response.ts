// Reading HTTP responses: small JSON bodies, the server's JSON errors, and the file facts in headers.
import type * as http from 'node:http';
import { HttpError, statusError } from './http-errors.js';

/** Longest error body read from the server (it is JSON of a few hundred bytes). */
const MAX_ERROR_BODY = 64 * 1024;

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

/** The small body of a refused request: its JSON, else its first line of text, or null when empty. */
export async function readErrorBody(res: http.IncomingMessage): Promise<unknown> {
  if (res.statusCode === 304 || res.statusCode === 204) return null;
  const text = await readText(res, MAX_ERROR_BODY);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.trim() === '' ? null : text.trim().split('\n', 1)[0];
  }
}

