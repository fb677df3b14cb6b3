// URLs of the HTTP client: server and library URLs as the user types them, the chat URL, and /files/ paths.
import { checkPath } from '../core/library.js';

/** Where the terminal clients connect when no URL is given (`netroom serve`'s HTTP door). */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

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
 * Percent escapes are decoded; a query or fragment is refused. The path is taken from the text as
 * typed, not from `new URL()`, which silently drops `..` and `%2e%2e` segments: `/../evil.bin`
 * would become `/evil.bin`. It is then held to the server's own path rule (checkPath), so a path
 * the server would refuse (`..`, hidden names, backslashes, NUL) is refused here, before any request.
 */
export function parseLibraryUrl(input: string): LibraryTarget {
  const url = parseServerUrl(input);
  if (url.search !== '' || url.hash !== '') throw new Error(`a file URL has no ?query or #fragment: "${input}"`);
  let raw = rawPath(input);
  if (raw === '/files' || raw.startsWith('/files/')) raw = raw.slice('/files'.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new Error(`bad percent escape in "${input}"`);
  }
  // The `/` after host:port separates; anything after it is the path the server would be asked for.
  const rel = checkLibraryPath(decoded.startsWith('/') ? decoded.slice(1) : decoded, input);
  const last = raw.split('/').pop() ?? '';
  const server = new URL(url.origin);
  return { server, path: rel, folder: rel === '' || last === '' || last === '.' };
}

/**
 * A library path held to the server's rule (core checkPath: no `..`, no hidden names, no
 * backslashes, NUL or control characters, no absolute paths); returns it normalised ('' is the
 * root) or throws a one-line reason naming `shown` (what the user typed).
 */
export function checkLibraryPath(libraryPath: string, shown: string = libraryPath): string {
  try {
    return checkPath(libraryPath);
  } catch (err) {
    throw new Error(oneLine(`not a path inside the library: "${shown}" (${(err as Error).message})`), { cause: err });
  }
}

/**
 * The path part of a URL as typed: after `scheme://host:port` up to `?` or `#`, not normalised.
 * Like the WHATWG parser (for http and https), a backslash also ends the host.
 */
function rawPath(input: string): string {
  const text = input.trim();
  const afterScheme = text.replace(/^[a-z][a-z0-9+.-]*:\/\//iu, '');
  const hostEnd = afterScheme.search(/[/\\?#]/u);
  if (hostEnd < 0) return '';
  const rest = afterScheme.slice(hostEnd);
  const end = rest.search(/[?#]/u);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Control characters shown as escapes, so a reason stays on one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point here
  return text.replace(/[\u0000-\u001f\u007f]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
