// URLs of the HTTP client: server and library URLs as the user types them, the chat URL, and /files/ paths.

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
