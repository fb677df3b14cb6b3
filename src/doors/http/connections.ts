// The HTTP door's connection limits: counted through the shared gate, refused at once, and a short time to the first request.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { refusalText, type DoorGate } from '../../net/limits.js';

/** How long a new connection has to send a whole request head, by default. */
export const DEFAULT_FIRST_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Count every connection the server accepts through `gate`, before Node's HTTP machinery sees it
 * (a prepended 'connection' listener), and close refused ones at once: a plain-HTTP client first
 * gets a 503 (RFC 9110 15.6.4) saying why, a TLS one (no handshake yet) only the close.
 *
 * Time to first request: Node's own headersTimeout answers 408 and closes a connection whose
 * request head is not complete this long after it started (for a new connection: after it was
 * accepted; idle keep-alive connections are the keepAliveTimeout's). Its sweep runs every
 * connectionsCheckingInterval (30 s by default), which is read when the server starts listening,
 * so a fraction of the timeout is set here, before listen().
 */
export function guardConnections(server: Server, gate: DoorGate, firstRequestTimeoutMs: number): void {
  if (!(firstRequestTimeoutMs > 0)) throw new RangeError('firstRequestTimeoutMs must be above 0');
  server.headersTimeout = firstRequestTimeoutMs;
  // Not in @types/node, but a documented http.Server option read at 'listening'.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, Math.max(20, Math.floor(firstRequestTimeoutMs / 4)));
  const plain = !(server instanceof TlsServer);
  server.prependListener('connection', (socket: Socket) => {
    const admission = gate.admitSocket(socket);
    if (admission.ok) return;
    socket.on('error', () => undefined); // a reset while refusing is of no interest
    if (plain) socket.write(refusal(refusalText(admission.reason)));
    socket.destroy();
  });
}

function refusal(text: string): string {
  const body = `${text}: try again later\n`;
  return [
    'HTTP/1.1 503 Service Unavailable',
    'Connection: close',
    'Retry-After: 10',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}
