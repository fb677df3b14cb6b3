// GET /metrics on a whole server: every metric name carries the netroom_ prefix once, process figures included.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { NetroomServer } from '../src/server.js';

let top: string;
let server: NetroomServer | undefined;

beforeEach(async () => {
  top = await mkdtemp(join(tmpdir(), 'netroom-metrics-'));
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(top, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  it('names every metric netroom_ once: netroom_process_cpu_user_seconds_total, not netroom_process_process_...', async () => {
    const config = resolveConfig({ http: '0', port: 'off', irc: 'off', ftp: 'off', dir: join(top, 'f'), data: join(top, 'd') }, {});
    server = new NetroomServer(config, silentLogger());
    const statuses = await server.start();
    const http = statuses.find((s) => s.door === 'http');
    if (http?.state !== 'listening') throw new Error('no HTTP door');
    const res = await fetch(`http://127.0.0.1:${http.address.port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const names = [...text.matchAll(/^# TYPE (\S+) /gmu)].map((m) => m[1] ?? '');
    expect(names).toEqual(expect.arrayContaining(['netroom_process_cpu_user_seconds_total', 'netroom_nodejs_eventloop_lag_seconds', 'netroom_members']));
    expect(names.filter((name) => !name.startsWith('netroom_'))).toEqual([]);
    expect(names.filter((name) => /^netroom_(process_process|nodejs_nodejs|netroom)_/u.test(name))).toEqual([]);
  });
});
