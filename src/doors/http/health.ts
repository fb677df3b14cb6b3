// GET /healthz (liveness and members) and GET /metrics (Prometheus text from prom-client).
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';
import type { HttpShared } from './context.js';

/** Register /healthz and /metrics (the latter answers 404 when the server keeps no metrics). */
export function healthRoutes(app: FastifyInstance, shared: HttpShared): void {
  const started = Date.now();
  const health = (): { status: 'ok'; uptime: number; members: number } => ({
    status: 'ok',
    uptime: Math.round((Date.now() - started) / 1000),
    members: shared.ctx.chat.size,
  });
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send(health()));
  app.head('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send());
  app.get('/metrics', async (_request, reply) => {
    const metrics = shared.ctx.metrics;
    if (metrics === undefined) throw new HttpError(404, 'NOT_FOUND', 'this server keeps no metrics');
    const text = await metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
  });
}
