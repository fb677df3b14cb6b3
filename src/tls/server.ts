// A tls.Server (HTTPS, IRC over TLS) that serves a TlsSource's certificate and follows its reloads.
import type { Server, TlsOptions } from 'node:tls';
import type { TlsSource } from './source.js';

/**
 * A client that never finishes its TLS handshake holds a connection; this is how long it may
 * (Node's default is 2 minutes). A real handshake on a slow link takes well under a second.
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Options for tls.createServer / https.createServer serving the source's current certificate. */
export function tlsServerOptions(source: TlsSource): TlsOptions {
  const { cert, key } = source.pem();
  return { cert, key, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS };
}

/**
 * Keep `server` on the source's certificate: after each reload, new handshakes use the new one;
 * connections already open keep theirs. Returns a function that stops following.
 */
export function followReloads(server: Server, source: TlsSource, onError: (err: unknown) => void): () => void {
  return source.onReload(() => {
    try {
      // setSecureContext builds the server's default context (the one every handshake starts with) from PEM text.
      server.setSecureContext({ ...source.pem() });
    } catch (err) {
      onError(err);
    }
  });
}
