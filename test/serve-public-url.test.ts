// The built `netroom serve` with --public-url given twice: both hosts are this server, any other name gets 421 BAD_HOST.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CliProcess } from './helpers/cli.js';
import { errorCode, request } from './helpers/http.js';

let dir: string;
let proc: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netroom-public-url-'));
});

afterEach(async () => {
  await proc?.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

it('--public-url repeated: each host is accepted, each origin may change state; others are refused', async () => {
  const flags = ['--public-url', 'http://classroom.lan:8080', '--public-url', 'https://chat.example.org,https://b.example.net'];
  proc = new CliProcess(['serve', '--http', '0', '--port', 'off', '--irc', 'off', '--ftp', 'off', '--log-level', 'silent', '--dir', join(dir, 'files'), '--data', join(dir, 'data'), ...flags]);
  const port = Number((await proc.waitFor(/^http\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)$/u))[1]);
  const url = (p: string): string => `http://127.0.0.1:${port}${p}`;
  for (const host of ['classroom.lan:8080', 'chat.example.org', 'b.example.net', `127.0.0.1:${port}`]) {
    expect([host, (await request(url('/api/files'), { headers: { host } })).status]).toEqual([host, 200]);
  }
  const other = await request(url('/api/files'), { headers: { host: 'attacker.example' } });
  expect([other.status, errorCode(other)]).toEqual([421, 'BAD_HOST']);
  const allowed = await request(url('/api/folders?path=a'), { method: 'POST', headers: { origin: 'https://chat.example.org' } });
  expect(allowed.status).toBe(201);
  const refused = await request(url('/api/folders?path=b'), { method: 'POST', headers: { origin: 'http://chat.example.org' } });
  expect([refused.status, errorCode(refused)]).toEqual([403, 'CROSS_ORIGIN']);
});
