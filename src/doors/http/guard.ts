// The HTTP door's first hook: refuse a Host that does not name the server (421) and cross-site state changes and WebSocket upgrades (403).
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { HttpError, loggedUrl } from './errors.js';
import type { Refusal, SameOriginPolicy } from './same-origin.js';

/** Methods that change nothing (RFC 9110 9.2.1); every other method must come from the server's own origin. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** A refusal of each kind is logged at warn at most this often; the others go to debug. */
const WARN_EVERY_MS = 60_000;

/** A WebSocket handshake (RFC 6455 4.1): a GET asking to upgrade. Browsers send Origin on every one. */
function isUpgrade(request: FastifyRequest): boolean {
  return request.headers.upgrade !== undefined;
}

function describe(refusal: Refusal): string {
  switch (refusal.kind) {
    case 'host':
      return `Host "${refusal.host}" does not name this server (DNS rebinding?); if it is the address people use, start the server with --public-url`;
    case 'origin':
      return `Origin "${refusal.origin}" is not this server's; pages on other sites may not change anything here (see --public-url)`;
    case 'fetch-site':
      return `a ${refusal.site} request may not change anything here`;
  }
}

/**
 * Install the guard on the door's root, before any route: its hooks then run for every route and
 * for the WebSocket upgrade too (@fastify/websocket routes upgrades through the same lifecycle).
 * A refusal is an HttpError, so it gets the door's JSON error body; an upgrade refused this way is
 * answered with a plain HTTP response and never becomes a WebSocket.
 */
export function installGuard(app: FastifyInstance, policy: SameOriginPolicy, log: Logger): void {
  const lastWarn = new Map<Refusal['kind'], { at: number; since: number }>();
  const report = (request: FastifyRequest, refusal: Refusal): void => {
    // Browsers a page tells to retry can repeat a refusal many times: one warn line a minute per kind.
    const now = Date.now();
    const seen = lastWarn.get(refusal.kind);
    const fields = { ...refusal, method: request.method, url: loggedUrl(request.url), client: request.ip };
    if (seen === undefined || now - seen.at >= WARN_EVERY_MS) {
      lastWarn.set(refusal.kind, { at: now, since: 0 });
      log.warn({ ...fields, suppressed: seen?.since ?? 0 }, `refused: ${describe(refusal)}`);
    } else {
      seen.since += 1;
      log.debug(fields, 'refused');
    }
  };
  const guard: onRequestHookHandler = (request, reply, done) => {
    const { host } = request.headers;
    if (!policy.hostAllowed(host, request.socket.localAddress)) {
      const refusal: Refusal = { kind: 'host', host: host ?? '' };
      report(request, refusal);
      // RFC 9110 15.5.20: 421, this server will not answer for that authority.
      closeIfUpgrade(request, reply.raw);
      done(new HttpError(421, 'BAD_HOST', describe(refusal)));
      return;
    }
    if (!SAFE_METHODS.has(request.method) || isUpgrade(request)) {
      const scheme = request.protocol;
      const refusal = policy.sourceRefusal(request.headers, scheme, host);
      if (refusal !== null) {
        report(request, refusal);
        closeIfUpgrade(request, reply.raw);
        done(new HttpError(403, 'CROSS_ORIGIN', describe(refusal)));
        return;
      }
    }
    done();
  };
  app.addHook('onRequest', guard);
}

/**
 * A refused upgrade's socket was taken from Node's HTTP parser: nobody closes it after the answer
 * unless we do. `Connection: close` tells the client, and the socket ends once the answer is out.
 */
export function closeIfUpgrade(request: FastifyRequest, response: ServerResponse): void {
  if (!isUpgrade(request)) return;
  response.setHeader('connection', 'close');
  response.once('finish', () => request.raw.socket.end());
}
