// GET /metrics on a whole server: every metric name carries the netroom_ prefix once, process figures included.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Chat } from '../src/core/chat/chat.js';
import { resolveConfig } from '../src/config.js';
import { Metrics } from '../src/metrics.js';
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

describe('netroom_messages_total', () => {
  it('counts messages by door across scrapes, each message once', async () => {
    const metrics = new Metrics(new Chat({ flood: null }));
    const count = async (door: string): Promise<number> => {
      const text = await metrics.registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`netroom_messages_total{door="${door}"}`));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    metrics.countMessage('irc');
    metrics.countMessage('irc');
    metrics.countMessage('ws');
    expect(await count('irc')).toBe(2);
    expect(await count('ws')).toBe(1);
    // A second scrape adds only what was said since the first.
    metrics.countMessage('irc');
    expect(await count('irc')).toBe(3);
    expect(await count('ws')).toBe(1);
    expect(await count('udp')).toBe(0);
  });
});
