// /healthz and /metrics report the engines: 200 with both up, 503 naming the one down (Redis killed), back when it returns; gauges for latency and bus lag.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../src/config.js';
import type { Bus } from '../src/engine/bus/bus.js';
import { LocalBus } from '../src/engine/bus/local.js';
import { EngineHealth } from '../src/engine/health.js';
import { PgHistory } from '../src/engine/store/postgres/history.js';
import { createLogger } from '../src/log.js';
import { NetroomServer } from '../src/server.js';
import { clusterEngines, type ClusterEngines, type TestNode } from './helpers/cluster.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

interface Health {
  status: string;
  engines: { store: { engine: string; up: boolean; latencyMs: number | null }; bus: { engine: string; up: boolean; latencyMs: number | null; lagMs: number | null } };
  down: string[];
}

async function healthz(http: number): Promise<{ status: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${http}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

async function metrics(http: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
}

/** The bus's next status change (down or up), or a failure after `ms` if none comes. */
function nextStatus(bus: Bus, ms = 20_000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the bus reported no status change within ${ms} ms`));
    }, ms);
    const stop = bus.onStatus((up) => {
      clearTimeout(timer);
      stop();
      resolve(up);
    });
  });
}

/** Ask /healthz until it answers `want` (a bounded number of requests, each after a bus status change). */
async function healthzUntil(node: TestNode, want: number): Promise<Health> {
  const bus = node.server.engines?.bus as Bus;
  for (let i = 0; i < 10; i++) {
    const changed = nextStatus(bus);
    changed.catch(() => undefined);
    const { status, body } = await healthz(node.http);
    if (status === want) return body;
    await changed;
  }
  throw new Error(`/healthz never answered ${want}`);
}

describe('/healthz and /metrics with PostgreSQL and Redis', () => {
  it('200 with both up; 503 naming redis while Redis is killed; 200 again once it is back', async () => {
    const cluster = await engines.start(2);
    try {
      const [one, two] = cluster.nodes as [TestNode, TestNode];
      const up = await healthz(one.http);
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({
        status: 'ok',
        engines: { store: { engine: 'postgres', up: true }, bus: { engine: 'redis', up: true } },
        down: [],
      });
      expect(up.body.engines.store.latencyMs).toEqual(expect.any(Number));

      // A change through node two reaches node one over the bus: now there is a lag to report.
      const heard = new Promise<void>((resolve) => {
        const stop = one.server.library.subscribe((change) => {
          if (change.remote !== undefined) {
            stop();
            resolve();
          }
        });
      });
      expect((await fetch(`http://127.0.0.1:${two.http}/files/lag.txt`, { method: 'PUT', body: 'x' })).status).toBe(201);
      await heard;
      const text = await metrics(one.http);
      expect(text).toContain('netroom_engine_up{role="store",engine="postgres"} 1');
      expect(text).toContain('netroom_engine_up{role="bus",engine="redis"} 1');
      expect(text).toMatch(/^netroom_engine_latency_seconds\{role="store",engine="postgres"\} \d/mu);
      expect(text).toContain('# TYPE netroom_engine_latency_seconds gauge');
      expect(text).toMatch(/^netroom_bus_lag_seconds \d/mu);

      cluster.redis.kill();
      const down = await healthzUntil(one, 503);
      expect(down).toMatchObject({ status: 'unavailable', engines: { store: { engine: 'postgres', up: true }, bus: { engine: 'redis', up: false } }, down: ['redis'] });
      expect(await metrics(one.http)).toContain('netroom_engine_up{role="bus",engine="redis"} 0');
      const head = await fetch(`http://127.0.0.1:${one.http}/healthz`, { method: 'HEAD' });
      expect(head.status).toBe(503);

      await cluster.redis.restart();
      const back = await healthzUntil(one, 200);
      expect(back).toMatchObject({ status: 'ok', down: [] });
      expect(await metrics(one.http)).toContain('netroom_engine_up{role="bus",engine="redis"} 1');
    } finally {
      await cluster.close();
    }
  }, 90_000);
});

describe('the store ping', () => {
  it('says postgres is down while PostgreSQL is, and up once it is back', async () => {
    const history = await PgHistory.open(await engines.pg.newDatabase());
    const bus = new LocalBus();
    try {
      const health = new EngineHealth({ history, bus, storeEngine: 'postgres' }, { cacheMs: 0 });
      expect((await health.check()).store).toMatchObject({ engine: 'postgres', up: true });
      await engines.pg.down();
      try {
        expect(await health.check()).toMatchObject({ ok: false, store: { engine: 'postgres', up: false, latencyMs: null }, bus: { engine: 'local', up: true } });
      } finally {
        await engines.pg.up();
      }
      expect((await health.check()).store).toMatchObject({ up: true });
    } finally {
      await history.closeAsync();
    }
  }, 60_000);

  it('is cached: checks in a row ping PostgreSQL once', async () => {
    const history = await PgHistory.open(await engines.pg.newDatabase());
    try {
      const ping = vi.spyOn(history, 'ping');
      const health = new EngineHealth({ history, bus: new LocalBus(), storeEngine: 'postgres' }, { cacheMs: 60_000 });
      await Promise.all([health.check(), health.check()]);
      await health.check();
      expect(ping).toHaveBeenCalledTimes(1);
    } finally {
      await history.closeAsync();
    }
  }, 60_000);
});

describe('the embedded default', () => {
  it('reports sqlite and local up', async () => {
    const top = await mkdtemp(join(tmpdir(), 'netroom-health-'));
    await mkdir(join(top, 'files'));
    const config = resolveConfig({ port: 'off', http: '0', irc: 'off', ftp: 'off', dir: join(top, 'files'), data: join(top, 'data'), logLevel: 'silent' }, {});
    const server = new NetroomServer(config, createLogger('silent'));
    try {
      const statuses = await server.start();
      const http = statuses.find((s) => s.door === 'http');
      if (http?.state !== 'listening') throw new Error('no http door');
      const { status, body } = await healthz(http.address.port);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'ok',
        engines: { store: { engine: 'sqlite', up: true, latencyMs: null }, bus: { engine: 'local', up: true, lagMs: null } },
        down: [],
      });
      const text = await metrics(http.address.port);
      expect(text).toContain('netroom_engine_up{role="store",engine="sqlite"} 1');
      expect(text).toContain('netroom_engine_up{role="bus",engine="local"} 1');
    } finally {
      await server.stop();
      await rm(top, { recursive: true, force: true });
    }
  });
});
