// IRC over TLS (RFC 7194, port 6697): a TLS listener whose connections, once the handshake is done, go the plain door's way.
import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { followReloads, tlsServerOptions } from '../../tls/server.js';
import type { TlsSource } from '../../tls/source.js';

/** Where and with which certificate to listen. */
export interface IrcTlsOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly source: TlsSource;
  readonly log: Logger;
}

/** A listening IRC-over-TLS socket: its bound port and how to stop it (open connections are the door's to close). */
export interface IrcTlsListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listen for IRC over TLS; `accept` gets each connection after its handshake, exactly as the
 * plain listener hands over a TCP socket. The certificate follows the source's reloads.
 */
export function listenTls(options: IrcTlsOptions, accept: (socket: Socket) => void): Promise<IrcTlsListener> {
  const { log, source } = options;
  const server = createServer({ ...tlsServerOptions(source), noDelay: true });
  const unfollow = followReloads(server, source, (err) => log.error({ err }, 'ircs: new certificate not applied'));
  // A failed handshake (a port scanner, plain text on the TLS port) only closes that connection.
  server.on('tlsClientError', (err, socket) => {
    log.debug({ err: err.message, peer: socket.remoteAddress }, 'ircs handshake failed');
  });
  server.on('secureConnection', (socket: TLSSocket) => accept(socket));
  return new Promise((resolve, reject) => {
    server.once('error', (err: Error) => {
      unfollow();
      reject(err);
    });
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error');
      server.on('error', (err) => log.warn({ err }, 'ircs listener error'));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      log.info({ host: options.host, port }, 'irc door listening (TLS)');
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            unfollow();
            server.close(() => done());
          }),
      });
    });
  });
}
