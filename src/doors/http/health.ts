// GET /healthz (liveness, members and whether the engines can be reached) and GET /metrics (Prometheus text from prom-client).
import type { FastifyInstance } from 'fastify';
import type { EnginesReport } from '../../engine/health.js';
import { HttpError } from './errors.js';
import type { HttpShared } from './context.js';

/** The body of /healthz. `unavailable` (HTTP 503) while an engine cannot be reached; `down` names it. */
interface HealthBody {
  readonly status: 'ok' | 'unavailable';
  readonly uptime: number;
  readonly members: number;
  /** Each engine and its state; absent when the door runs without a server's engines (tests). */
  readonly engines?: { readonly store: EnginesReport['store']; readonly bus: EnginesReport['bus'] };
  /** The engines that cannot be reached, by engine name (`postgres`, `redis`). */
  readonly down?: readonly string[];
}

/** Register /healthz and /metrics (the latter answers 404 when the server keeps no metrics). */
export function healthRoutes(app: FastifyInstance, shared: HttpShared): void {
  const started = Date.now();
  const health = async (): Promise<HealthBody> => {
    const base = { uptime: Math.round((Date.now() - started) / 1000), members: shared.ctx.chat.size };
    const report = await shared.ctx.metrics?.engines?.check();
    if (report === undefined) return { status: 'ok', ...base };
    const down = [report.store, report.bus].filter((e) => !e.up).map((e) => e.engine);
    return { status: report.ok ? 'ok' : 'unavailable', ...base, engines: { store: report.store, bus: report.bus }, down };
  };
  app.get('/healthz', async (_request, reply) => {
    const body = await health();
    return reply
      .code(body.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(body);
  });
  app.head('/healthz', async (_request, reply) => {
    const body = await health();
    return reply
      .code(body.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send();
  });
  app.get('/metrics', async (_request, reply) => {
    const metrics = shared.ctx.metrics;
    if (metrics === undefined) throw new HttpError(404, 'NOT_FOUND', 'this server keeps no metrics');
    const text = await metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
  });
}
