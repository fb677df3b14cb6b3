// Where the TLS doors (HTTPS, IRC over TLS, FTPS) get the server's certificate, so a reload reaches every door at once.
import type { SecureContext } from 'node:tls';

/** A certificate chain and its private key, as PEM text. */
export interface TlsPem {
  /** The server certificate first, then any intermediates (a Let's Encrypt fullchain.pem). */
  readonly cert: string;
  readonly key: string;
}

/**
 * The server's current certificate and key as a SecureContext. A reload (SIGHUP) swaps what
 * `current()` returns; connections already open keep the context they were made with.
 */
export interface TlsSource {
  /** The context for the next TLS handshake. */
  current(): SecureContext;
  /**
   * The PEM texts `current()` was made from. A `tls.Server` (HTTPS, IRC over TLS) uses them: its
   * default context (the one a client without SNI gets) can only be set from options, not from a SecureContext.
   */
  pem(): TlsPem;
  /** Call `listener` after every reload that swapped the context; returns a function that stops the calls. */
  onReload(listener: () => void): () => void;
}
