// The certificate loader: a chain with an intermediate is served whole, order and key are checked, a reload swaps or keeps the context.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, createServer } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTlsSource, loadTlsFiles, TlsFileError } from '../src/tls/files.js';
import { followReloads, tlsServerOptions } from '../src/tls/server.js';
import { writeTestCert } from './helpers/tls.js';

const run = promisify(execFile);
let dir: string;
const file = (name: string): string => path.join(dir, name);

/** openssl: a root CA, an intermediate CA signed by it, a leaf for 127.0.0.1 signed by the intermediate. */
async function makeChain(): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=Test Root', '-keyout', file('root.key'), '-out', file('root.pem')]);
  await fs.writeFile(file('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  await run('openssl', ['req', '-new', ...ec, '-subj', '/CN=Test Intermediate', '-keyout', file('int.key'), '-out', file('int.csr')]);
  await run('openssl', ['x509', '-req', '-in', file('int.csr'), '-CA', file('root.pem'), '-CAkey', file('root.key'), '-CAcreateserial', '-days', '1', '-extfile', file('ca.ext'), '-out', file('int.pem')]);
  await fs.writeFile(file('leaf.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  await run('openssl', ['req', '-new', ...ec, '-subj', '/CN=leaf', '-keyout', file('leaf.key'), '-out', file('leaf.csr')]);
  await run('openssl', ['x509', '-req', '-in', file('leaf.csr'), '-CA', file('int.pem'), '-CAkey', file('int.key'), '-CAcreateserial', '-days', '1', '-extfile', file('leaf.ext'), '-out', file('leaf.pem')]);
  const [leaf, int] = await Promise.all([fs.readFile(file('leaf.pem'), 'utf8'), fs.readFile(file('int.pem'), 'utf8')]);
  await fs.writeFile(file('fullchain.pem'), leaf + int);
  await fs.writeFile(file('wrong-order.pem'), int + leaf);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'netroom-tls-files-'));
  await makeChain();
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Connect trusting `ca` only; resolves with the verified leaf's CN, or rejects with the client's error. */
async function handshake(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('loadTlsFiles', () => {
  it('serves a fullchain (leaf + intermediate): a client that trusts only the root verifies it', async () => {
    const source = await FileTlsSource.load(file('fullchain.pem'), file('leaf.key'));
    expect(source.info).toMatchObject({ subject: 'CN=leaf', chain: 2, names: 'IP Address:127.0.0.1', expired: false });
    const server = createServer(tlsServerOptions(source), (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      expect(await handshake(port, await fs.readFile(file('root.pem'), 'utf8'))).toBe('leaf');
      // The same leaf without its intermediate: that client cannot verify it (so the chain was sent).
      const alone = await FileTlsSource.load(file('leaf.pem'), file('leaf.key'));
      server.setSecureContext({ ...alone.pem() });
      await expect(handshake(port, await fs.readFile(file('root.pem'), 'utf8'))).rejects.toThrow(/unable to get issuer certificate|unable to verify/u);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a chain whose first certificate is not the key\'s, and a key for another certificate', async () => {
    await expect(loadTlsFiles(file('wrong-order.pem'), file('leaf.key'))).rejects.toThrow(/does not belong to the first certificate/u);
    await expect(loadTlsFiles(file('fullchain.pem'), file('int.key'))).rejects.toThrow(TlsFileError);
  });

  it('refuses an encrypted key with a one-line reason', async () => {
    await run('openssl', ['pkey', '-in', file('leaf.key'), '-aes256', '-passout', 'pass:secret', '-out', file('encrypted.key')]);
    const err = await loadTlsFiles(file('fullchain.pem'), file('encrypted.key')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsFileError);
    expect((err as Error).message).toMatch(/^--tls-key \S+encrypted\.key: not an unencrypted PEM private key$/u);
  });
});

describe('FileTlsSource.reload', () => {
  it('swaps the context and tells followers; a failed reload rejects and keeps the context', async () => {
    const cert = file('r.cert.pem');
    const key = file('r.key.pem');
    await writeTestCert(cert, key, 'first');
    const source = await FileTlsSource.load(cert, key);
    const server = createServer(tlsServerOptions(source), (socket) => socket.end());
    const unfollow = followReloads(server, source, (err) => {
      throw err;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await handshake(port, await fs.readFile(cert, 'utf8'))).toBe('first');
      let reloads = 0;
      const stop = source.onReload(() => (reloads += 1));
      await writeTestCert(cert, key, 'second');
      const info = await source.reload();
      expect(info.subject).toBe('CN=second');
      expect(reloads).toBe(1);
      expect(await handshake(port, await fs.readFile(cert, 'utf8'))).toBe('second');

      const before = source.current();
      await fs.writeFile(key, '');
      await expect(source.reload()).rejects.toThrow(/--tls-key .*: not an unencrypted PEM private key/u);
      expect(source.current()).toBe(before);
      expect(reloads).toBe(1);
      expect(await handshake(port, await fs.readFile(cert, 'utf8'))).toBe('second');
      stop();
    } finally {
      unfollow();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
