// Test fixtures for the HTTP door: a door on a temp library, raw node:http requests, event waits, hashing.
import { watch as watchDir } from 'node:fs';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Library, type LibraryOptions } from '../../src/core/library.js';
import { Chat } from '../../src/core/chat/chat.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import type { DoorContext } from '../../src/doors/door.js';
import { HttpDoor, type HttpDoorEvents, type HttpDoorOptions } from '../../src/doors/http/door.js';
import { silentLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import type { HistoryStore } from '../../src/store/history.js';
import { SqliteHistory } from '../../src/store/sqlite.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A room, a library in a temp folder and an HTTP door on 127.0.0.1 port 0. */
export interface HttpRig {
  readonly chat: Chat;
  readonly library: Library;
  readonly door: HttpDoor;
  readonly metrics: Metrics | undefined;
  /** The library root. */
  readonly root: string;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  readonly port: number;
  url(pathname: string): string;
  close(): Promise<void>;
}

/** Options of {@link startHttpRig}. */
export interface HttpRigOptions extends Partial<Omit<HttpDoorOptions, 'host' | 'port'>> {
  library?: LibraryOptions;
  /** Give the door metrics (default true). */
  metrics?: boolean;
  /** Keep chat history in SQLite beside the library (as the server wires it: subscribed first). */
  history?: boolean;
  /** With `history`: the store the chat and the door get instead, wrapping the SQLite one (a slow store, say). */
  wrapHistory?: (store: HistoryStore) => HistoryStore;
}

/** Start a door for one test; close() removes everything. */
export async function startHttpRig(options: HttpRigOptions = {}): Promise<HttpRig> {
  const base = await fs.mkdtemp(path.join(tmpdir(), 'netroom-http-'));
  const root = path.join(base, 'files');
  const chat = new Chat({ flood: null });
  const library = new Library(root, options.library);
  await library.init();
  const metrics = options.metrics === false ? undefined : new Metrics(chat);
  const sqlite = options.history ? SqliteHistory.open(path.join(base, 'data')) : undefined;
  const history = sqlite && options.wrapHistory ? options.wrapHistory(sqlite) : sqlite;
  if (history) {
    chat.restore(history);
    chat.subscribe((e) => history.append(e));
  }
  const ctx: DoorContext = { chat, library, lang: 'en', log: silentLogger(), ...(metrics ? { metrics } : {}), ...(history ? { history } : {}) };
  const door = new HttpDoor(ctx, {
    host: '127.0.0.1',
    port: 0,
    adminToken: options.adminToken ?? ADMIN_TOKEN,
    webRoot: options.webRoot,
    partialTtlMs: options.partialTtlMs,
    plugins: options.plugins,
    idleTimeoutMs: options.idleTimeoutMs,
    downloadBufferBytes: options.downloadBufferBytes,
    publicUrls: options.publicUrls,
    zip: options.zip,
  });
  await door.listen();
  const port = door.address().port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    chat,
    library,
    door,
    metrics,
    root,
    base: origin,
    port,
    url: (pathname) => origin + pathname,
    async close() {
      await door.close();
      history?.close();
      await fs.rm(base, { recursive: true, force: true });
    },
  };
}

/** `/files/` + each path segment percent-encoded. */
export function fileUrl(rig: HttpRig, rel: string, prefix = '/files/'): string {
  return rig.url(prefix + rel.split('/').map(encodeURIComponent).join('/'));
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every entry under `dir`, hidden ones included, as relative paths (to prove nothing was written). */
export async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string): Promise<void> => {
    for (const entry of await fs.readdir(d, { withFileTypes: true })) {
      // The library's own metadata (the owner book), not something a client wrote.
      if (prefix === '' && entry.name === '.netroom') continue;
      out.push(prefix + entry.name);
      if (entry.isDirectory()) await walk(path.join(d, entry.name), `${prefix}${entry.name}/`);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** The next door event of `name` (resolves with its arguments). */
export function nextDoorEvent<K extends keyof HttpDoorEvents>(door: HttpDoor, name: K): Promise<HttpDoorEvents[K]> {
  return new Promise((resolve) => {
    door.once(name, ((...args: HttpDoorEvents[K]) => resolve(args)) as never);
  });
}

/** Resolves with the next room event passing `test`. */
export function nextChatEvent(chat: Chat, test: (e: ChatEvent) => boolean): Promise<ChatEvent> {
  return new Promise((resolve) => {
    const stop = chat.subscribe((e) => {
      if (!test(e)) return;
      stop();
      resolve(e);
    });
  });
}

/** A response read whole with node:http (which, unlike fetch, lets a test send any header). */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  json<T = unknown>(): T;
}

/** Options of {@link request}. */
export interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  /** Sent whole; an array is written chunk by chunk (chunked unless a Content-Length is given). */
  body?: Buffer | string | Buffer[];
}

/**
 * One request with node:http, which (unlike fetch) sends any header. A URL is normalised on the way
 * (`/a/%2e%2e/b` becomes `/b`); `{port, path}` sends the path exactly as given.
 */
export async function request(target: string | { port: number; path: string }, options: RequestOptions = {}): Promise<RawResponse> {
  const headers = { ...options.headers };
  // Like fetch: a body given whole is announced with its length; an array goes chunked.
  const body = options.body;
  if (body !== undefined && !Array.isArray(body) && headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(body);
  const common = { method: options.method ?? 'GET', headers, agent: false as const };
  const req =
    typeof target === 'string'
      ? http.request(target, common)
      : http.request({ ...common, host: '127.0.0.1', port: target.port, path: target.path });
  req.on('error', () => undefined); // a refused upload may reset; the response (or its absence) tells the test
  if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
  else if (body !== undefined) req.write(body);
  req.end();
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    body: all,
    json: <T>() => JSON.parse(all.toString('utf8')) as T,
  };
}

/** Write raw bytes on a fresh TCP connection and collect everything until the server closes it. */
export async function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(bytes);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

/** The error code of a JSON error body. */
export function errorCode(res: RawResponse): string | undefined {
  return res.json<{ error?: { code?: string } }>().error?.code;
}

/**
 * Resolves once `dir` holds a hidden file of at least `minSize` bytes: the server has written what
 * a test sent, so cutting the connection now has a known outcome (fs.watch events, no polling sleeps).
 */
export async function waitForHiddenFile(dir: string, minSize = 1): Promise<void> {
  // node:fs's watch starts at once (fs/promises' watch only on first iteration, which loses the
  // events in between); each round arms the wake-up before looking, so no change goes unseen.
  let wake: () => void = () => undefined;
  const watcher = watchDir(dir, () => wake());
  watcher.on('error', () => wake());
  const ready = async (): Promise<boolean> => {
    for (const name of await fs.readdir(dir)) {
      if (!name.startsWith('.')) continue;
      const size = (await fs.stat(path.join(dir, name)).catch(() => null))?.size ?? 0;
      if (size >= minSize) return true;
    }
    return false;
  };
  try {
    for (;;) {
      const changed = new Promise<void>((resolve) => (wake = resolve));
      if (await ready()) return;
      await changed;
    }
  } finally {
    watcher.close();
  }
}
