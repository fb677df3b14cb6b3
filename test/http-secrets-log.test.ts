// An invitation link is a password until used: the HTTP door's log lines never carry its secret.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { loggedUrl } from '../src/doors/http/errors.js';
import { LogSink, createLogger } from '../src/log.js';
import { NetroomServer } from '../src/server.js';
import { request } from './helpers/http.js';

let server: NetroomServer | null = null;
let top = '';

afterEach(async () => {
  await server?.stop();
  server = null;
  if (top !== '') await fs.rm(top, { recursive: true, force: true });
});

it('redacts invitation secrets from logged URLs', () => {
  expect(loggedUrl('/api/invitations/nri_abcDEF-_123?x=1')).toBe('/api/invitations/nri_(secret)?x=1');
  expect(loggedUrl('/join/nri_abc')).toBe('/join/nri_(secret)');
  expect(loggedUrl('/files/a.txt')).toBe('/files/a.txt');
});

it('a refused redemption is logged (debug) without the still-valid secret', async () => {
  top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-secrets-log-'));
  const lines: string[] = [];
  const sink = new LogSink({ write: (text: string) => lines.push(text) });
  const config = resolveConfig({ port: 'off', http: '0', irc: 'off', ftp: 'off', dir: path.join(top, 'files'), data: path.join(top, 'data') }, {});
  server = new NetroomServer(config, createLogger('debug', sink));
  const statuses = await server.start();
  const http = statuses.find((s) => s.door === 'http');
  if (http?.state !== 'listening') throw new Error('no http door');
  const { secret } = server.access?.invitations.create('member', 'test') ?? { secret: '' };
  const res = await request(`http://127.0.0.1:${http.address.port}/api/invitations/${secret}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'newbie', password: 'x' }),
  });
  expect(res.status).toBe(400);
  expect(lines.some((l) => l.includes('BAD_PASSWORD'))).toBe(true);
  expect(lines.filter((l) => l.includes(secret))).toEqual([]);
});
