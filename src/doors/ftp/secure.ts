// FTPS data connections (RFC 4217 9, PROT P): the TLS server side over an accepted or connected data socket.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

/** The handshake of each protected data connection, settled once, whenever the transfer asks. */
const handshakes = new WeakMap<Socket, Promise<void>>();
/** Whether each finished handshake resumed a session: noted at once, as a closed TLSSocket no longer says. */
const resumed = new WeakMap<Socket, boolean>();

/**
 * TLS over a data connection, as the server, with the control connection's context: the same
 * context is what lets the client resume the control connection's session (tickets and the
 * session cache live in it), which lftp, curl and FileZilla do and vsftpd insists on. The
 * handshake starts now; `handshakeDone()` says when it has finished.
 */
export function protectData(raw: Socket, context: SecureContext): TLSSocket {
  const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
  secure.on('error', () => undefined); // the transfer adds its own handling; this one keeps a failed handshake harmless
  const done = new Promise<void>((resolve, reject) => {
    const settle = (err: Error | null): void => {
      secure.off('secure', onSecure);
      secure.off('error', onError);
      secure.off('close', onClose);
      if (err === null) resolve();
      else reject(err);
    };
    const onSecure = (): void => {
      resumed.set(secure, secure.isSessionReused());
      settle(null);
    };
    const onError = (err: Error): void => settle(err);
    const onClose = (): void => settle(new Error('the data connection closed during the TLS handshake'));
    secure.once('secure', onSecure);
    secure.once('error', onError);
    secure.once('close', onClose);
  });
  done.catch(() => undefined); // awaited by the transfer, or never if it fails first
  handshakes.set(secure, done);
  return secure;
}

/**
 * Resolves once a protected data connection's TLS handshake has finished (at once for a clear one).
 * Awaited after the 150 reply, not before: Python's ftplib starts its handshake only once it has
 * read the 150, so waiting for it first would leave both sides waiting.
 */
export function handshakeDone(socket: Socket): Promise<void> {
  return handshakes.get(socket) ?? Promise.resolve();
}

/** For a protected data connection: whether the client resumed a TLS session (false: no handshake finished); undefined for a clear one. */
export function sessionResumed(socket: Socket): boolean | undefined {
  if (!handshakes.has(socket)) return undefined;
  return resumed.get(socket) ?? false;
}
