// Where the TLS doors (HTTPS, IRC over TLS, FTPS) get the server's certificate, so a reload reaches every door at once.
import type { SecureContext } from 'node:tls';

/**
 * The server's current certificate and key as a SecureContext. A reload (SIGHUP) swaps what
 * `current()` returns; connections already open keep the context they were made with.
 */
export interface TlsSource {
  /** The context for the next TLS handshake. */
  current(): SecureContext;
}
