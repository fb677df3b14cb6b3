// A raw FTPS control connection for tests: plain until AUTH TLS, then TLS; data connections clear or protected.
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { FtpLines } from './ftp-lines.js';

/** Line-level FTP over a socket that can be upgraded in place (RFC 4217 AUTH TLS), as a client would. */
export class RawFtps extends FtpLines {
  private constructor(
    socket: net.Socket,
    private readonly ca: string,
  ) {
    super(socket);
  }

  /** Connect in clear (to `host`, loopback by default) and read the 220. */
  static async connect(port: number, ca: string, host = '127.0.0.1'): Promise<RawFtps> {
    const socket = net.connect({ host, port });
    await once(socket, 'connect');
    const raw = new RawFtps(socket, ca);
    const hello = await raw.reply();
    if (hello.code !== 220) throw new Error(`expected 220, got ${hello.code}`);
    return raw;
  }

  /** AUTH TLS, then the handshake over the same connection (the certificate checked against `ca`). */
  async startTls(line = 'AUTH TLS'): Promise<void> {
    await this.expect(line, 234);
    this.upgrade();
    await once(this.socket, 'secureConnect');
  }

  /** The TLS handshake on the connection as it is (after a 234 read some other way). */
  upgrade(): tls.TLSSocket {
    const plain = this.socket;
    this.detach();
    const secure = tls.connect({ socket: plain, ca: this.ca, servername: 'localhost' });
    this.attach(secure);
    return secure;
  }

  /** AUTH TLS, PBSZ 0, PROT P, then a login: anonymous unless `user` and `password` are given. */
  static async secureLogin(port: number, ca: string, user = 'anonymous', password = 'x@y'): Promise<RawFtps> {
    const raw = await RawFtps.connect(port, ca);
    await raw.startTls();
    await raw.expect('PBSZ 0', 200);
    await raw.expect('PROT P', 200);
    await raw.expect(`USER ${user}`, 331);
    await raw.expect(`PASS ${password}`, 230);
    return raw;
  }

  /**
   * EPSV and the data connection: in clear, or (protect) a TLS client over it offering the control
   * connection's session for resumption, as lftp and curl do. The handshake runs in the background.
   */
  async passive(protect: boolean): Promise<net.Socket> {
    const reply = await this.expect('EPSV', 229);
    const port = Number(/\(\|\|\|(\d+)\|\)/u.exec(reply.text)?.[1]);
    const data = net.connect({ host: '127.0.0.1', port });
    data.on('error', () => undefined);
    await once(data, 'connect');
    if (!protect) return data;
    const session = this.socket instanceof tls.TLSSocket ? this.socket.getSession() : undefined;
    const secure = tls.connect({ socket: data, ca: this.ca, servername: 'localhost', ...(session ? { session } : {}) });
    secure.on('error', () => undefined);
    return secure;
  }
}
