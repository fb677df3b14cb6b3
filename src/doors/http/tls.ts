// HTTPS on the HTTP door: the certificate and its reloads, HSTS, and plain HTTP on the same port answered with a redirect.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { followReloads, TLS_HANDSHAKE_TIMEOUT_MS } from '../../tls/server.js';
import type { TlsSource } from '../../tls/source.js';

/** RFC 6797 6.1: browsers that saw this over HTTPS use only HTTPS for this host for a year. */
export const HSTS_VALUE = 'max-age=31536000';

/** The first byte of every TLS connection: a handshake record (RFC 8446 5.1, ContentType 22). */
const TLS_HANDSHAKE = 0x16;

/**
 * Make a Fastify app built with `https` options a proper HTTPS door: every response carries HSTS,
 * the certificate follows the source's reloads, and a browser that comes by plain `http://` to the
 * same port is redirected to `https://` (GET and HEAD; anything else gets 400). Call before the
 * routes are registered; the returned function stops following reloads.
 */
export function secureHttpDoor(app: FastifyInstance, source: TlsSource, log: Logger): () => void {
  const server = app.server as unknown as TlsServer;
  const unfollow = followReloads(server, source, (err) => log.error({ err }, 'https: new certificate not applied'));
  // On the raw response, so the file routes' own writeHead and the error replies carry it too.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.raw.setHeader('Strict-Transport-Security', HSTS_VALUE);
    done();
  });
  server.on('tlsClientError', (err, socket) => log.debug({ err: err.message, peer: socket.remoteAddress }, 'https handshake failed'));
  const plain = splitPlainHttp(server);
  app.addHook('preClose', (done) => {
    plain.closeAll();
    done();
  });
  return unfollow;
}

/**
 * Look at each connection's first byte: a TLS handshake goes on to the HTTPS server as usual;
 * anything else is plain HTTP and goes to a small server that only redirects. Connections that
 * send nothing are dropped after the handshake timeout.
 */
function splitPlainHttp(server: TlsServer): { closeAll(): void } {
  const redirect = createHttpServer({ requestTimeout: TLS_HANDSHAKE_TIMEOUT_MS, headersTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, redirectToHttps);
  redirect.keepAliveTimeout = 1;
  const pending = new Set<Socket>();
  // tls.Server starts a handshake from its own 'connection' listener: take it, and call it only for TLS.
  const startTls = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    pending.add(socket);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(TLS_HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
    socket.once('close', () => pending.delete(socket));
    socket.once('readable', () => {
      socket.setTimeout(0);
      const first = socket.read(1) as Buffer | null;
      if (first === null) return void socket.destroy();
      socket.unshift(first);
      if (first[0] === TLS_HANDSHAKE) {
        pending.delete(socket);
        socket.removeAllListeners('error');
        for (const listener of startTls) listener.call(server, socket);
      } else {
        redirect.emit('connection', socket);
      }
    });
  });
  return {
    closeAll() {
      for (const socket of pending) socket.destroy();
      redirect.closeAllConnections();
    },
  };
}

function redirectToHttps(request: IncomingMessage, response: ServerResponse): void {
  const host = request.headers.host;
  response.setHeader('Connection', 'close');
  if ((request.method === 'GET' || request.method === 'HEAD') && host !== undefined && /^[A-Za-z0-9.:[\]-]+$/u.test(host)) {
    // RFC 9110 15.4.2: a permanent move to the same place over TLS.
    response.writeHead(301, { Location: `https://${host}${request.url ?? '/'}`, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('This server speaks HTTPS only.\n');
    return;
  }
  response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('This port speaks HTTPS only: use https://\n');
}
