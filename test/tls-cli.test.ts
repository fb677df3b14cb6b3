// `netroom serve --tls-cert --tls-key` as a real process: bad files stop it with one line (exit 2); SIGHUP swaps the certificate without dropping connections.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './helpers/cli.js';
import { writeTestCert } from './helpers/tls.js';

const run = promisify(execFile);

let dir: string;
const running: CliProcess[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'netroom-tls-cli-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  await fs.rm(dir, { recursive: true, force: true });
});

/** serve with only HTTPS and IRC over TLS, on free ports. */
function serveArgs(cert: string, key: string): string[] {
  return ['serve', '--port', 'off', '--http', '0', '--irc', 'off', '--ircs', '0', '--ftp', 'off', '--dir', path.join(dir, 'files'), '--data', path.join(dir, 'data'), '--tls-cert', cert, '--tls-key', key];
}

/** A certificate written by openssl into `name`.cert.pem / `name`.key.pem. */
async function certPair(name: string): Promise<{ cert: string; key: string; pem: string; fingerprint: string }> {
  const cert = path.join(dir, `${name}.cert.pem`);
  const key = path.join(dir, `${name}.key.pem`);
  await writeTestCert(cert, key, name);
  const pem = await fs.readFile(cert, 'utf8');
  return { cert, key, pem, fingerprint: new X509Certificate(pem).fingerprint256 };
}

describe('serve refuses bad certificate files', () => {
  it('exits 2 with one line for a missing file, a file that is not PEM, a key of another certificate, and half a pair', async () => {
    const a = await certPair('a');
    const b = await certPair('b');
    const garbage = path.join(dir, 'garbage.pem');
    await fs.writeFile(garbage, 'not a certificate\n');
    const cases: Array<[string[], RegExp]> = [
      [serveArgs(path.join(dir, 'missing.pem'), a.key), /^netroom: --tls-cert \S+missing\.pem: no such file$/u],
      [serveArgs(garbage, a.key), /^netroom: --tls-cert \S+garbage\.pem: no PEM certificate in it/u],
      [serveArgs(a.cert, garbage), /^netroom: --tls-key \S+garbage\.pem: not an unencrypted PEM private key$/u],
      [serveArgs(a.cert, b.key), /^netroom: --tls-key \S+b\.key\.pem does not belong to the first certificate in --tls-cert \S+a\.cert\.pem$/u],
      [serveArgs(a.cert, a.key).filter((arg, i, all) => arg !== '--tls-key' && all[i - 1] !== '--tls-key'), /^netroom: --tls-cert and --tls-key go together/u],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli([...args, '--log-level', 'silent']);
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      // Nothing was created: the check comes before the folders.
      await expect(fs.stat(path.join(dir, 'files'))).rejects.toThrow();
    }
  });
});

describe('SIGHUP reloads the certificate', () => {
  it('gives new connections the new certificate while an open one keeps working; a bad file on reload keeps the last good one', async () => {
    const a = await certPair('a');
    const b = await certPair('b');
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    await fs.copyFile(a.cert, certFile);
    await fs.copyFile(a.key, keyFile);
    const proc = new CliProcess(serveArgs(certFile, keyFile));
    running.push(proc);
    const ircsPort = Number((await proc.waitFor(/^ircs\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)/u))[1]);
    const httpPort = Number((await proc.waitFor(/^http\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)/u))[1]);
    await proc.waitFor(/^tls: CN=a /u);

    // An IRC client registered over TLS with certificate A.
    const old = await tlsLines(ircsPort, a.pem);
    expect(old.socket.getPeerCertificate().fingerprint256).toBe(a.fingerprint);
    old.socket.write('NICK keeper\r\nUSER k 0 * :Keeper\r\n');
    await old.line(/ 001 keeper /u);

    // Replace both files (each by a rename, as certbot's symlinks switch), then SIGHUP.
    await fs.copyFile(b.cert, `${certFile}.new`);
    await fs.copyFile(b.key, `${keyFile}.new`);
    await fs.rename(`${certFile}.new`, certFile);
    await fs.rename(`${keyFile}.new`, keyFile);
    const reloaded = stderrUntil(proc, /"msg":"tls certificate reloaded"/u);
    proc.child.kill('SIGHUP');
    expect(await reloaded).toContain('"subject":"CN=b"');

    // New connections, IRC and HTTPS, see B (and are verified against B alone).
    const fresh = await tlsLines(ircsPort, b.pem);
    expect(fresh.socket.getPeerCertificate().fingerprint256).toBe(b.fingerprint);
    fresh.socket.end();
    const bCa = path.join(dir, 'b.cert.pem');
    const health = await run('curl', ['-sS', '--fail', '--cacert', bCa, `https://127.0.0.1:${httpPort}/healthz`]);
    expect(health.stdout).toContain('"status":"ok"');

    // The connection made with A is still served.
    old.socket.write('PING :still-here\r\n');
    await old.line(/ PONG \S+ :?still-here$/u);
    expect(old.socket.getPeerCertificate().fingerprint256).toBe(a.fingerprint);

    // A broken key on the next reload: logged, and B stays in service.
    await fs.writeFile(keyFile, 'broken\n');
    const failed = stderrUntil(proc, /"msg":"tls certificate reload failed: keeping the old certificate"/u);
    proc.child.kill('SIGHUP');
    expect(await failed).toContain('not an unencrypted PEM private key');
    const after = await tlsLines(ircsPort, b.pem);
    expect(after.socket.getPeerCertificate().fingerprint256).toBe(b.fingerprint);
    after.socket.end();
    old.socket.write('QUIT :bye\r\n');
    await old.line(/^ERROR :Closing link/u);
    expect(proc.child.exitCode).toBeNull();
  });
});

/** A TLS connection verified against `ca` only, with a wait for a received line. */
async function tlsLines(port: number, ca: string): Promise<{ socket: TLSSocket; line(pattern: RegExp): Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port, ca });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const lines: string[] = [];
  let rest = '';
  let wake: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\r\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
    wake?.();
  });
  socket.on('close', () => wake?.());
  let cursor = 0;
  return {
    socket,
    async line(pattern) {
      for (;;) {
        while (cursor < lines.length) {
          const line = lines[cursor++] ?? '';
          if (pattern.test(line)) return line;
        }
        if (socket.destroyed) throw new Error(`connection closed before ${String(pattern)}: ${lines.join(' | ')}`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** Resolves with the stderr line matching `pattern`, looking only at what arrives from now on. */
function stderrUntil(proc: CliProcess, pattern: RegExp): Promise<string> {
  const from = proc.stderr.length;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const line = proc.stderr.slice(from).split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        proc.child.stderr.off('data', check);
        resolve(line);
      }
    };
    // CliProcess appends to proc.stderr in its own listener, registered first.
    proc.child.stderr.on('data', check);
    proc.child.once('exit', () => reject(new Error(`serve exited before ${String(pattern)}: ${proc.stderr}`)));
    check();
  });
}
