// The HTTP file API as the UI uses it: listing, folders, delete, and uploads with progress and cancel.
import type { FileEntry, UploadResult, WireError } from './protocol.js';

/** A failed request: the server's `{error: {code, message}}`, or a UI code (NETWORK, CANCELLED). */
export class ApiError extends Error implements WireError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A library path ('' is the root) as a URL path: each part percent-encoded, `/` kept. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '')
    .map(encodeURIComponent)
    .join('/');
}

// Every URL is relative to the page, so the UI also works when a proxy serves netroom under a sub-path.

/** Where a file downloads from (`files/PATH`, relative to the page). */
export function fileUrl(path: string): string {
  return `files/${encodePath(path)}`;
}

/** `dir/name`, or `name` in the root. */
export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** The folder part of a path ('' for the root). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The files and folders of a folder. */
export async function listFolder(dir: string): Promise<FileEntry[]> {
  const res = await request(`api/files?path=${encodeURIComponent(dir)}`, { headers: { Accept: 'application/json' } });
  const body: unknown = await res.json();
  if (!Array.isArray(body)) throw new ApiError('BAD_RESPONSE', 'the server sent something that is not a listing', res.status);
  return body as FileEntry[];
}

/** Create one folder (its parent must exist). */
export async function createFolder(path: string): Promise<void> {
  await request(`api/folders?path=${encodeURIComponent(path)}`, { method: 'POST' });
}

/** Delete a file or an empty folder. */
export async function deletePath(path: string): Promise<void> {
  await request(fileUrl(path), { method: 'DELETE' });
}

/** A request to the server; a failure (network, or a status that is not 2xx) throws an ApiError with the server's code. */
export async function request(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new ApiError('NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) throw errorOf(res.status, res.statusText, await res.text().catch(() => ''));
  return res;
}

/** The error a failed response carries (JSON `{error}` when the server sent one). */
function errorOf(status: number, statusText: string, body: string): ApiError {
  try {
    const parsed = JSON.parse(body) as { error?: Partial<WireError> };
    if (parsed.error && typeof parsed.error.code === 'string') {
      return new ApiError(parsed.error.code, parsed.error.message ?? '', status);
    }
  } catch {
    // Not JSON (a proxy's page, say): fall through to the status line.
  }
  return new ApiError(`HTTP_${status}`, statusText || 'request failed', status);
}

/** A running upload: its outcome and a way to stop it. */
export interface UploadHandle {
  readonly done: Promise<UploadResult>;
  abort(): void;
}

/** Who shares an upload (null: anonymous, "someone"), and into which room (null: the server's default, #lobby). */
export interface UploadBy {
  readonly member: string | null;
  readonly room: string | null;
}

/**
 * PUT one file with progress; `noOverwrite` refuses (412 ALREADY_EXISTS) when the name exists.
 * XMLHttpRequest rather than fetch: only it reports upload progress in every browser (fetch
 * upload streams need HTTP/2 and are Chromium-only).
 */
export function uploadFile(
  path: string,
  file: Blob,
  { member, room }: UploadBy,
  onProgress: (sent: number, total: number) => void,
  noOverwrite = false,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadResult>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener('load', () => {
      if (xhr.status === 200 || xhr.status === 201) {
        try {
          resolve(JSON.parse(xhr.responseText) as UploadResult);
        } catch {
          reject(new ApiError('BAD_RESPONSE', 'the server sent an answer that is not JSON', xhr.status));
        }
      } else {
        reject(errorOf(xhr.status, xhr.statusText, xhr.responseText));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError('NETWORK', 'the connection to the server failed')));
    xhr.addEventListener('abort', () => reject(new ApiError('CANCELLED', 'cancelled')));
  });
  // The file notice goes to the room on screen (`?room=%23dev`).
  xhr.open('PUT', room === null ? fileUrl(path) : `${fileUrl(path)}?room=${encodeURIComponent(room)}`);
  // Always octet-stream: the bytes go to disk as they are, whatever the file's type.
  xhr.setRequestHeader('Content-Type', 'application/octet-stream');
  // Anonymous (no name: not in the room) is allowed, as for any HTTP client; the notice says "someone".
  if (member !== null) xhr.setRequestHeader('X-Netroom-Name', headerName(member));
  // Never replace what appeared since the listing was read: the server answers 412 instead (RFC 9110 13.1.2).
  if (noOverwrite) xhr.setRequestHeader('If-None-Match', '*');
  xhr.send(file);
  return { done, abort: () => xhr.abort() };
}

/**
 * A member name as a header value. Header values are Latin-1 only, so a name with anything beyond
 * printable ASCII (or a `%`, which would be ambiguous) is percent-encoded; the server decodes it.
 */
export function headerName(name: string): string {
  return /^[\x21-\x24\x26-\x7e]+$/u.test(name) ? name : encodeURIComponent(name);
}
