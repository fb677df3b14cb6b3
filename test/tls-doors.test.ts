// TLS on the HTTP and IRC doors with real clients: curl over HTTPS (HSTS, upload, download), wss, irc-framework and openssl s_client over TLS.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { NetroomServer, type DoorStatus } from '../src/server.js';
import { frameworkClient, frameworkEvent } from './helpers/irc.js';
import { makeTestCert, type TestCert } from './helpers/tls.js';
import { TestWsClient } from './helpers/ws.js';

const run = promisify(execFile);

let cert: TestCert;
let top: string;
let server: NetroomServer;
let httpPort: number;
let ircsPort: number;

function portOf(statuses: DoorStatus[], door: string): number {
  const status = statuses.find((s) => s.door === door);
  if (status?.state !== 'listening') throw new Error(`${door} is not listening: ${JSON.stringify(statuses)}`);
  return status.address.port;
}

beforeAll(async () => {
  cert = await makeTestCert();
  top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-tls-doors-'));
  const config = resolveConfig(
    { port: 'off', http: '0', irc: 'off', ircs: '0', ftp: 'off', dir: path.join(top, 'files'), data: path.join(top, 'data'), logLevel: 'silent', tlsCert: cert.certFile, tlsKey: cert.keyFile },
    {},
  );
  server = new NetroomServer(config, createLogger('silent'));
  const statuses = await server.start();
  httpPort = portOf(statuses, 'http');
  ircsPort = portOf(statuses, 'ircs');
  // --irc off with a certificate: IRC over TLS only.
  expect(statuses.find((s) => s.door === 'irc')).toEqual({ door: 'irc', state: 'off' });
});

afterAll(async () => {
  await server.stop();
  await fs.rm(top, { recursive: true, force: true });
  await cert.remove();
});

const curl = (...args: string[]): Promise<{ stdout: string }> => run('curl', ['-sS', '--fail-with-body', '--cacert', cert.certFile, ...args]);

describe('HTTPS on the HTTP door', () => {
  it('answers curl over https with the certificate from --tls-cert, and says Strict-Transport-Security', async () => {
    const { stdout } = await curl('-D', '-', `https://127.0.0.1:${httpPort}/healthz`);
    expect(stdout).toMatch(/^HTTP\/1\.1 200/u);
    expect(stdout).toMatch(/^strict-transport-security: max-age=31536000\r$/imu);
    expect(stdout).toContain('"status":"ok"');
    // The same on a 404 and on a file response (written by the door's own file code).
    const missing = await run('curl', ['-sS', '-D', '-', '-o', '/dev/null', '--cacert', cert.certFile, `https://127.0.0.1:${httpPort}/files/none.txt`]);
    expect(missing.stdout).toMatch(/^HTTP\/1\.1 404/u);
    expect(missing.stdout).toMatch(/^strict-transport-security: max-age=31536000\r$/imu);
  });

  it('takes an upload and serves it back, byte for byte, over https', async () => {
    const local = path.join(top, 'up.bin');
    const back = path.join(top, 'back.bin');
    const body = randomBytes(3 * 1024 * 1024 + 17);
    await fs.writeFile(local, body);
    await curl('-T', local, `https://127.0.0.1:${httpPort}/files/up.bin`);
    const head = await curl('-D', '-', '-o', back, `https://127.0.0.1:${httpPort}/files/up.bin`);
    expect(head.stdout).toMatch(/^strict-transport-security: max-age=31536000\r$/imu);
    const digest = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
    expect(digest(await fs.readFile(back))).toBe(digest(body));
    expect(digest(await fs.readFile(path.join(top, 'files', 'up.bin')))).toBe(digest(body));
  });

  it('redirects plain http:// on the same port to https:// (GET), and refuses other methods there', async () => {
    const { stdout } = await run('curl', ['-sS', '-D', '-', '-o', '/dev/null', `http://127.0.0.1:${httpPort}/files/a%20b.txt?x=1`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 301/u);
    expect(stdout).toMatch(new RegExp(`^location: https://127\\.0\\.0\\.1:${httpPort}/files/a%20b\\.txt\\?x=1\\r$`, 'imu'));
    const put = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '--data-binary', 'x', `http://127.0.0.1:${httpPort}/files/plain.txt`]);
    expect(put.stdout).toBe('400');
    await expect(fs.stat(path.join(top, 'files', 'plain.txt'))).rejects.toThrow();
    // curl following the redirect ends up on HTTPS.
    const followed = await curl('-L', `http://127.0.0.1:${httpPort}/healthz`);
    expect(followed.stdout).toContain('"status":"ok"');
  });

  it('carries the WebSocket chat over wss', async () => {
    const client = await TestWsClient.open(`wss://127.0.0.1:${httpPort}/ws`, { ca: cert.cert });
    try {
      const welcome = await client.enter('wssalice');
      expect(welcome.type).toBe('welcome');
      expect(server.chat.find('wssalice')).toBeDefined();
    } finally {
      client.close();
      await client.closed;
    }
  });
});

describe('IRC over TLS', () => {
  it('registers and joins #lobby with irc-framework over TLS, and the server presents the configured certificate', async () => {
    // irc-framework cannot be given a CA: the certificate is checked below with Node's own client instead.
    const client = await frameworkClient(ircsPort, 'tlsfw', { tls: true, rejectUnauthorized: false });
    try {
      const joined = frameworkEvent(client, 'join', (e) => e.nick === 'tlsfw' && e.channel === '#lobby');
      client.join('#lobby');
      await joined;
      expect(server.chat.find('tlsfw')).toBeDefined();
    } finally {
      const closed = frameworkEvent(client, 'close');
      client.quit('bye');
      await closed;
    }
    const peer = await new Promise<PeerCertificate>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: ircsPort, ca: cert.cert }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(peer.subject.CN).toBe('localhost');
  });

  it('registers and joins #lobby with openssl s_client, verifying the certificate', async () => {
    const child = spawn('openssl', ['s_client', '-quiet', '-verify_return_error', '-CAfile', cert.certFile, '-connect', `127.0.0.1:${ircsPort}`], { stdio: 'pipe' });
    let out = '';
    const seen = (pattern: RegExp): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out)) resolve();
        };
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          check();
        });
        child.on('exit', () => reject(new Error(`openssl exited before ${String(pattern)}: ${out}`)));
        check();
      });
    child.stdin.write('NICK sslbob\r\nUSER bob 0 * :Bob\r\n');
    await seen(/ 001 sslbob /u);
    child.stdin.write('JOIN #lobby\r\n');
    await seen(/ 366 sslbob #lobby /u);
    expect(out).toMatch(/:sslbob!bob@\S+ JOIN #lobby/u);
    child.stdin.write('QUIT :done\r\n');
    await seen(/^ERROR :Closing link/mu);
    child.stdin.end();
    if (child.exitCode === null) await new Promise((resolve) => child.on('exit', resolve));
  });
});
