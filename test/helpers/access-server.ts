// Test fixture for the access API: `netroom serve`'s whole server (HTTP, WebSocket, optionally IRC) with its real SQLite access store in temp folders.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Access } from '../../src/core/access/access.js';
import type { Chat } from '../../src/core/chat/chat.js';
import { resolveConfig, type RawOptions } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer } from '../../src/server.js';
import type { RawResponse, RequestOptions } from './http.js';
import { request } from './http.js';

/** A running server and what the access tests need of it. */
export interface AccessServer {
  readonly server: NetroomServer;
  readonly access: Access;
  readonly chat: Chat;
  /** `http://127.0.0.1:PORT` (or https:// under TLS). */
  readonly base: string;
  readonly port: number;
  /** The IRC port, when started with `irc: '0'`. */
  readonly ircPort: number | undefined;
  readonly root: string;
  readonly data: string;
  readonly adminToken: string;
  /** A request to `pathname` on the HTTP door (a JSON body is sent as such). */
  call(method: string, pathname: string, options?: { json?: unknown; headers?: RequestOptions['headers'] }): Promise<RawResponse>;
  close(): Promise<void>;
}

/** Start a server on 127.0.0.1 (or `host`) port 0 in fresh temp folders; `options` are `serve`'s flags. */
export async function startAccessServer(options: RawOptions = {}): Promise<AccessServer> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-access-'));
  const root = path.join(top, 'files');
  const data = path.join(top, 'data');
  const config = resolveConfig({ port: 'off', http: '0', irc: 'off', ftp: 'off', dir: root, data, logLevel: 'silent', host: '127.0.0.1', ...options }, {});
  const server = new NetroomServer(config, createLogger('silent'));
  const statuses = await server.start();
  const http = statuses.find((s) => s.door === 'http');
  if (http?.state !== 'listening') throw new Error('the server has no HTTP door listening');
  const irc = statuses.find((s) => s.door === 'irc');
  const access = server.access;
  if (access === undefined) throw new Error('the server has no access store');
  const port = http.address.port;
  const base = `${options.tlsCert === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  return {
    server,
    access,
    chat: server.chat,
    base,
    port,
    ircPort: irc?.state === 'listening' ? irc.address.port : undefined,
    root,
    data,
    adminToken: server.adminToken,
    call: (method, pathname, opts = {}) =>
      request(base + pathname, {
        method,
        headers: { ...(opts.json === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
        ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
      }),
    async close() {
      await server.stop();
      await fs.rm(top, { recursive: true, force: true });
    },
  };
}

/** The `name=value` of a Set-Cookie header for `name` (and its attributes), or undefined. */
export function setCookie(res: RawResponse, name: string): { value: string; attributes: string[] } | undefined {
  const all = res.headers['set-cookie'] ?? [];
  for (const line of all) {
    const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return { value: pair.slice(eq + 1), attributes };
  }
  return undefined;
}
