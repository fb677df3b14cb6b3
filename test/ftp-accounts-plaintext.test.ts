// FTP passwords in clear text: the loopback decision (pure), and the rule on a real non-loopback connection (TLS, --allow-plaintext-passwords).
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isLoopback, passwordAllowed } from '../src/core/access/plaintext.js';
import { PASSWORD, RawFtp, hasTool, startFtpDoor, type FtpFixture, type FtpFixtureOptions } from './helpers/ftp.js';
import { RawFtps } from './helpers/ftps.js';
import { makeTestCert, type TestCert } from './helpers/tls.js';

describe('isLoopback', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.5.6.7', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['192.0.2.2', false],
    ['::ffff:192.0.2.2', false],
    ['10.0.0.1', false],
    ['fd00::2', false],
    ['::', false],
    ['', false],
    ['localhost', false], // a name is not an address: never trusted
    ['128.0.0.1', false],
  ])('%s -> %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe('passwordAllowed', () => {
  test('TLS always; in clear only from loopback or with --allow-plaintext-passwords', () => {
    const far = '192.0.2.2';
    expect(passwordAllowed({ address: far, tls: false, allowPlaintext: false })).toBe(false);
    expect(passwordAllowed({ address: far, tls: true, allowPlaintext: false })).toBe(true);
    expect(passwordAllowed({ address: far, tls: false, allowPlaintext: true })).toBe(true);
    expect(passwordAllowed({ address: '127.0.0.1', tls: false, allowPlaintext: false })).toBe(true);
    expect(passwordAllowed({ address: '::1', tls: false, allowPlaintext: false })).toBe(true);
  });
});

/** An address of this machine that is not loopback (a client connecting to it is seen from it), if there is one. */
function outsideAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return undefined;
}

const outside = outsideAddress();

describe.skipIf(outside === undefined)('on a connection that is not loopback', () => {
  let cert: TestCert;
  const fixtures: FtpFixture[] = [];
  const opened: Array<{ close(): void }> = [];

  beforeAll(async () => {
    cert = await makeTestCert();
  });
  afterAll(async () => {
    await cert.remove();
  });
  afterEach(async () => {
    opened.splice(0).forEach((r) => r.close());
    await Promise.all(fixtures.splice(0).map((f) => f.close()));
  });

  async function door(options: FtpFixtureOptions = {}): Promise<FtpFixture> {
    const f = await startFtpDoor({ accounts: { alice: 'member' }, ...options, door: { host: outside!, ...options.door } });
    fixtures.push(f);
    return f;
  }

  async function connect(f: FtpFixture): Promise<RawFtp> {
    const socket = net.connect({ host: outside!, port: f.port });
    await once(socket, 'connect');
    const raw = new RawFtp(socket);
    opened.push(raw);
    expect((await raw.reply()).code).toBe(220);
    return raw;
  }

  test('an account\'s USER is refused (530, use AUTH TLS) before any password is sent; anonymous still gets in', async () => {
    const f = await door();
    const raw = await connect(f);
    expect((await raw.expect('USER alice', 530)).text).toMatch(/clear text are refused from another machine: use AUTH TLS/u);
    expect((await raw.expect('USER nobody-here', 530)).text).toMatch(/use AUTH TLS/u); // the same for every name
    await raw.expect('PASS correct horse battery', 503); // no USER pending: nothing was checked
    await raw.expect('USER anonymous', 331);
    await raw.expect('PASS x@y', 230);
  });

  test('--allow-plaintext-passwords: the account signs in in clear', async () => {
    const f = await door({ allowPlaintextPasswords: true });
    const raw = await connect(f);
    await raw.expect('USER alice', 331);
    expect((await raw.expect(`PASS ${PASSWORD}`, 230)).text).toBe('Logged in as alice (member)');
  });

  test('after AUTH TLS the account signs in', async () => {
    const f = await door({ door: { tls: cert.source } });
    const raw = await RawFtps.connect(f.port, cert.cert, outside);
    opened.push(raw);
    expect((await raw.expect('USER alice', 530)).text).toMatch(/use AUTH TLS first/u);
    await raw.startTls();
    await raw.expect('USER alice', 331);
    await raw.expect(`PASS ${PASSWORD}`, 230);
  });

  test.skipIf(!hasTool('curl'))('curl -u in clear is refused with the reason (exit 67); with --ssl-reqd it gets in', async () => {
    const f = await door({ door: { tls: cert.source } });
    const url = `ftp://${outside!}:${f.port}/`;
    const run = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile('curl', args, { timeout: 20_000 }, (err, _stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stderr }));
      });
    const clear = await run(['-sS', '-v', '-u', `alice:${PASSWORD}`, url]);
    expect(clear.code).toBe(67);
    expect(clear.stderr).toMatch(/< 530 .*use AUTH TLS/u);
    const secure = await run(['-sS', '--ssl-reqd', '--cacert', cert.certFile, '--connect-to', `localhost:${f.port}:${outside!}:${f.port}`, '-u', `alice:${PASSWORD}`, `ftp://localhost:${f.port}/`]);
    expect(secure.code, secure.stderr).toBe(0);
  });
});
