// Issue 10 item 13: every library change is logged once (info), with who and from where, whichever door made it.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import type { LibraryChange } from '../src/core/library.js';
import { LogSink, createLogger } from '../src/log.js';
import { NetroomServer } from '../src/server.js';
import { PASSWORD, RawFtp } from './helpers/ftp.js';
import { request } from './helpers/http.js';

let server: NetroomServer | null = null;
let top = '';

afterEach(async () => {
  await server?.stop();
  server = null;
  if (top !== '') await fs.rm(top, { recursive: true, force: true });
});

interface Line {
  msg: string;
  level: number;
  kind?: string;
  path?: string;
  door?: string;
  address?: string | null;
  who?: string;
  [key: string]: unknown;
}

/** A server with HTTP and FTP on port 0 and a logger at the default level that records its lines. */
async function start(): Promise<{ lines: Line[]; http: number; ftp: number; changes: LibraryChange[]; token: string }> {
  top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-changelog-'));
  const lines: Line[] = [];
  const sink = new LogSink({ write: (text: string) => lines.push(JSON.parse(text) as Line) });
  const config = resolveConfig({ port: 'off', http: '0', irc: 'off', ftp: '0', dir: path.join(top, 'files'), data: path.join(top, 'data') }, {});
  server = new NetroomServer(config, createLogger('info', sink));
  const statuses = await server.start();
  const portOf = (door: string): number => {
    const s = statuses.find((d) => d.door === door);
    if (s?.state !== 'listening') throw new Error(`${door} is not listening`);
    return s.address.port;
  };
  // Subscribed after the server's own listener: when a change reaches here, its line is written.
  const changes: LibraryChange[] = [];
  server.library.subscribe((c) => changes.push(c));
  // A member changes the library here: guests may no longer delete or rename (issue 12).
  await server.access?.accounts.add('mia', PASSWORD, 'member');
  const token = server.access?.credentials.create('mia', 'token', 'test').secret ?? '';
  return { lines, http: portOf('http'), ftp: portOf('ftp'), changes, token };
}

const changeLines = (lines: Line[]): Line[] => lines.filter((l) => l.msg === 'library changed');

describe('library changes are logged with who and from where (issue 10, item 13)', () => {
  it('HTTP upload, folder and delete: one info line each, door http, the client address', async () => {
    const { lines, http, changes, token } = await start();
    const base = `http://127.0.0.1:${http}`;
    const headers = { authorization: `Bearer ${token}` };
    expect((await request(`${base}/files/a.txt`, { method: 'PUT', body: 'hello', headers })).status).toBe(201);
    expect((await request(`${base}/api/folders?path=docs`, { method: 'POST', headers })).status).toBe(201);
    expect((await request(`${base}/files/a.txt`, { method: 'DELETE', headers })).status).toBe(204);
    expect(changes.map((c) => c.kind)).toEqual(['put', 'mkdir', 'delete']);
    const logged = changeLines(lines);
    expect(logged.map((l) => [l.kind, l.path, l.door, l.address, l.who, l.level])).toEqual([
      ['put', 'a.txt', 'http', '127.0.0.1', 'mia', 30],
      ['mkdir', 'docs', 'http', '127.0.0.1', 'mia', 30],
      ['delete', 'a.txt', 'http', '127.0.0.1', 'mia', 30],
    ]);
  });

  it('FTP upload, folder, rename, delete and folder removal: one info line each, door ftp, the client address', async () => {
    const { lines, ftp, changes } = await start();
    const raw = await RawFtp.signIn(ftp, 'mia');
    try {
      await raw.expect('MKD docs', 257);
      await raw.expect('TYPE I', 200);
      const data = await raw.passive();
      await raw.expect('STOR docs/a.txt', 150);
      data.end('hello');
      expect((await raw.reply()).code).toBe(226);
      await raw.expect('RNFR docs/a.txt', 350);
      await raw.expect('RNTO b.txt', 250);
      await raw.expect('DELE b.txt', 250);
      await raw.expect('RMD docs', 250);
    } finally {
      raw.close();
    }
    expect(changes.map((c) => c.kind)).toEqual(['mkdir', 'put', 'rename', 'delete', 'delete']);
    const logged = changeLines(lines);
    expect(logged).toHaveLength(5);
    for (const line of logged) expect([line.door, line.address, line.who, line.level]).toEqual(['ftp', '127.0.0.1', 'mia', 30]);
    expect(logged[2]).toMatchObject({ kind: 'rename', from: 'docs/a.txt', to: 'b.txt' });
    // Clients hear of changes without anyone's address (the WebSocket feed strips `by`).
    expect(changes.every((c) => c.by?.door === 'ftp')).toBe(true);
  });
});
