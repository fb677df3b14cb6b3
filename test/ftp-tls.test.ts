// FTPS explicit on the FTP door (RFC 4217): AUTH TLS, PBSZ, PROT, CCC, --ftp-require-tls, and transfers over protected data connections.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import type * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FtpDoor } from '../src/doors/ftp/door.js';
import { Library } from '../src/core/library.js';
import { Chat } from '../src/core/chat/chat.js';
import { silentLogger } from '../src/log.js';
import { PASSWORD, RawFtp, fillDisk, readAll, startFtpDoor, tree, type FtpFixture } from './helpers/ftp.js';
import { RawFtps } from './helpers/ftps.js';
import { sha256 } from './helpers/seedfiles.js';
import { makeTestCert, type TestCert } from './helpers/tls.js';

const MiB = 1024 * 1024;
let cert: TestCert;
const fixtures: FtpFixture[] = [];

beforeAll(async () => {
  cert = await makeTestCert();
});

afterAll(async () => {
  await cert.remove();
});

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

async function door(options: { tls?: boolean; requireTls?: boolean; member?: boolean } = {}): Promise<FtpFixture> {
  const f = await startFtpDoor({
    door: { ...(options.tls === false ? {} : { tls: cert.source }), ...(options.requireTls ? { requireTls: true } : {}) },
    ...(options.member === true ? { accounts: { alice: 'member' as const } } : {}),
  });
  fixtures.push(f);
  return f;
}

/** Send `bytes` on a data connection and end it; resolves with the data socket's own error, if any (a reset). */
async function sendAll(data: net.Socket, bytes: Buffer): Promise<Error | null> {
  let failure: Error | null = null;
  data.on('error', (err) => (failure ??= err));
  const closed = once(data, 'close');
  data.end(bytes);
  await closed;
  return failure;
}

describe('the commands of RFC 4217', () => {
  test('without a certificate: AUTH TLS is 502, FEAT does not offer it, PBSZ and PROT are out of sequence', async () => {
    const f = await door({ tls: false });
    const raw = await RawFtp.connect(f.port);
    expect((await raw.expect('FEAT', 211)).lines).not.toContain(' AUTH TLS');
    await raw.expect('AUTH TLS', 502);
    await raw.expect('PBSZ 0', 503);
    await raw.expect('PROT P', 503);
    await raw.expect('CCC', 534);
    raw.close();
  });

  test('FEAT offers AUTH TLS, PBSZ and PROT; PBSZ before AUTH and PROT before PBSZ are 503; PROT S/E 536; CCC 534', async () => {
    const f = await door();
    const raw = await RawFtps.connect(f.port, cert.cert);
    expect((await raw.expect('FEAT', 211)).lines).toEqual(expect.arrayContaining([' AUTH TLS', ' PBSZ', ' PROT']));
    await raw.expect('PBSZ 0', 503);
    await raw.expect('AUTH KERBEROS_V4', 504);
    await raw.startTls();
    await raw.expect('PROT P', 503); // before PBSZ
    await raw.expect('PBSZ x', 501);
    expect((await raw.expect('PBSZ 1024', 200)).text).toBe('PBSZ=0');
    await raw.expect('PROT S', 536);
    await raw.expect('PROT E', 536);
    await raw.expect('PROT Q', 504);
    await raw.expect('PROT P', 200);
    await raw.expect('CCC', 534);
    await raw.expect('AUTH TLS', 503); // already secured
    await raw.expect('USER anonymous', 331);
    await raw.expect('PASS x', 230);
    await raw.expect('NOOP', 200); // still TLS, still in step
    raw.close();
  });

  test('AUTH SSL is an alias of AUTH TLS', async () => {
    const f = await door();
    const raw = await RawFtps.connect(f.port, cert.cert);
    await raw.startTls('AUTH SSL');
    await raw.expect('PBSZ 0', 200);
    raw.close();
  });

  test('a failed handshake after AUTH TLS closes that connection only, and all its cleanup runs', async () => {
    const f = await door();
    const raw = await RawFtps.connect(f.port, cert.cert);
    await raw.expect('AUTH TLS', 234);
    const closed = once(f.door, 'connectionClosed');
    raw.socket.write('USER anonymous\r\n'); // clear text where a ClientHello belongs
    expect(await closed).toEqual([0]);
    const other = await RawFtps.secureLogin(f.port, cert.cert); // the door is fine
    await other.expect('NOOP', 200);
    other.close();
    raw.close();
  });

  test('commands sent in clear behind AUTH TLS are dropped, never run as if they came over TLS (STARTTLS injection)', async () => {
    const f = await door();
    const raw = await RawFtps.connect(f.port, cert.cert);
    raw.socket.write('AUTH TLS\r\nUSER anonymous\r\nPASS x\r\n');
    expect((await raw.reply()).code).toBe(234);
    const secure = raw.upgrade();
    await once(secure, 'secureConnect');
    await raw.expect('PASS x', 503); // the USER injected in clear was not taken
    await raw.expect('PWD', 530); // nor the login
    raw.close();
  });
});

describe('protected data connections (PROT P)', () => {
  test('STOR, LIST, RETR, REST+RETR and APPE byte-exact; every data connection resumed the control connection\'s TLS session', async () => {
    const f = await door({ member: true }); // APPE to an existing file is an overwrite: alice's own file
    const raw = await RawFtps.secureLogin(f.port, cert.cert, 'alice', PASSWORD);
    await raw.expect('TYPE I', 200);
    const data = randomBytes(3 * MiB + 17);
    let conn = await raw.passive(true);
    await raw.expect('STOR up.bin', 150);
    expect(await sendAll(conn, data.subarray(0, 2 * MiB))).toBeNull();
    expect((await raw.reply()).code).toBe(226);
    conn = await raw.passive(true);
    await raw.expect('APPE up.bin', 150);
    expect(await sendAll(conn, data.subarray(2 * MiB))).toBeNull();
    expect((await raw.reply()).code).toBe(226);
    expect(sha256(await fs.readFile(path.join(f.root, 'up.bin')))).toBe(sha256(data));

    conn = await raw.passive(true);
    await raw.expect('NLST', 150);
    expect((await readAll(conn)).toString()).toBe('up.bin\r\n');
    expect((await raw.reply()).code).toBe(226);

    conn = await raw.passive(true);
    await raw.expect('RETR up.bin', 150);
    expect(sha256(await readAll(conn))).toBe(sha256(data));
    expect((await raw.reply()).code).toBe(226);

    await raw.expect('REST 1000001', 350);
    conn = await raw.passive(true);
    await raw.expect('RETR up.bin', 150);
    expect((await readAll(conn)).equals(data.subarray(1_000_001))).toBe(true);
    expect((await raw.reply()).code).toBe(226);

    await f.transfer((t) => t.verb === 'RETR' && t.bytes === data.length - 1_000_001);
    expect(f.transfers.map((t) => [t.verb, t.outcome, t.tlsResumed])).toEqual([
      ['STOR', 'complete', true],
      ['APPE', 'complete', true],
      ['NLST', 'complete', true],
      ['RETR', 'complete', true],
      ['RETR', 'complete', true],
    ]);
    expect(f.transfers[0]!.bytes).toBe(2 * MiB); // counted as file bytes, not TLS records
    raw.close();
  });

  test('PROT C after PROT P: data connections in clear again (the transfer record has no TLS)', async () => {
    const f = await door();
    const raw = await RawFtps.secureLogin(f.port, cert.cert);
    await fs.writeFile(path.join(f.root, 'a.txt'), 'alpha\n');
    await raw.expect('PROT C', 200);
    const conn = await raw.passive(false);
    await raw.expect('RETR a.txt', 150);
    expect((await readAll(conn)).toString()).toBe('alpha\r\n'); // TYPE A
    expect((await raw.reply()).code).toBe(226);
    expect((await f.transfer((t) => t.verb === 'RETR')).tlsResumed).toBeUndefined();
    raw.close();
  });

  test('ABOR during a protected RETR: 426 for the transfer, 226 for ABOR, and the session goes on over TLS', async () => {
    const f = await door();
    await fs.writeFile(path.join(f.root, 'big.bin'), randomBytes(48 * MiB));
    const raw = await RawFtps.secureLogin(f.port, cert.cert);
    await raw.expect('TYPE I', 200);
    const conn = await raw.passive(true);
    await raw.expect('RETR big.bin', 150);
    await once(conn, 'data'); // bytes are flowing
    conn.pause(); // and now the client stops reading: the server's writes back up
    expect((await raw.command('ABOR')).code).toBe(426);
    expect((await raw.reply()).code).toBe(226);
    expect(await f.transfer((t) => t.verb === 'RETR')).toMatchObject({ outcome: 'aborted', code: 426 });
    await raw.expect('NOOP', 200);
    conn.destroy();
    raw.close();
  });

  test('an upload the server refuses mid-transfer (full disk) is read to its end over TLS: 452, no reset, nothing left', async () => {
    const f = await door();
    const giveBack = fillDisk(f, 1 * MiB);
    const raw = await RawFtps.secureLogin(f.port, cert.cert);
    await raw.expect('TYPE I', 200);
    const conn = await raw.passive(true);
    await raw.expect('STOR big.bin', 150);
    const sent = sendAll(conn, randomBytes(12 * MiB));
    expect((await raw.reply()).code).toBe(452);
    expect(await sent).toBeNull();
    expect(await f.transfer((t) => t.verb === 'STOR')).toMatchObject({ outcome: 'failed', code: 452 });
    expect(await tree(f.root)).toEqual([]);
    await raw.expect('NOOP', 200);
    giveBack();
    raw.close();
  });

  test('a data connection whose TLS handshake fails gets 426, and the control connection goes on', async () => {
    const f = await door();
    const raw = await RawFtps.secureLogin(f.port, cert.cert);
    const conn = await raw.passive(false); // clear bytes where the server expects a ClientHello
    await raw.expect('LIST', 150);
    conn.write('this is not TLS\r\n');
    expect((await raw.reply()).code).toBe(426);
    await raw.expect('NOOP', 200);
    conn.destroy();
    raw.close();
  });
});

describe('certificates and stalls', () => {
  test('a certificate reload between AUTH and a transfer: the session keeps its context, so its data connections still verify and resume', async () => {
    const second = await makeTestCert();
    try {
      let current = cert.source.current();
      const source = { ...cert.source, current: () => current };
      const f = await startFtpDoor({ door: { tls: source } });
      fixtures.push(f);
      const raw = await RawFtps.secureLogin(f.port, cert.cert); // trusts the first certificate only
      current = second.source.current(); // SIGHUP swapped it
      const conn = await raw.passive(true);
      await raw.expect('LIST', 150);
      await readAll(conn);
      expect((await raw.reply()).code).toBe(226);
      expect(await f.transfer((t) => t.verb === 'LIST')).toMatchObject({ outcome: 'complete', tlsResumed: true });
      raw.close();
      const fresh = await RawFtps.connect(f.port, second.cert); // a new session gets the new certificate
      await fresh.startTls();
      await fresh.expect('NOOP', 200);
      fresh.close();
    } finally {
      await second.remove();
    }
  });

  test('a data connection that never starts its TLS handshake fails with 426 after the data timeout, and the session goes on', async () => {
    const f = await startFtpDoor({ door: { tls: cert.source, dataTimeoutMs: 300 } });
    fixtures.push(f);
    const raw = await RawFtps.secureLogin(f.port, cert.cert);
    await fs.writeFile(path.join(f.root, 'a.bin'), randomBytes(1000));
    const conn = await raw.passive(false); // connected, silent
    await raw.expect('RETR a.bin', 150);
    expect((await raw.reply()).code).toBe(426);
    expect(await f.transfer((t) => t.verb === 'RETR')).toMatchObject({ outcome: 'aborted', tlsResumed: false });
    await raw.expect('NOOP', 200);
    conn.destroy();
    raw.close();
  });
});

describe('--ftp-require-tls', () => {
  test('USER and PASS in clear are 530; after AUTH TLS a clear data connection is 521, a protected one works', async () => {
    const f = await door({ requireTls: true });
    const raw = await RawFtps.connect(f.port, cert.cert);
    expect((await raw.expect('USER anonymous', 530)).text).toMatch(/TLS required/u);
    await raw.expect('PASS x', 530);
    await raw.startTls();
    await raw.expect('USER anonymous', 331);
    await raw.expect('PASS x', 230);
    await raw.expect('PBSZ 0', 200);
    await raw.expect('PROT C', 200);
    let conn = await raw.passive(false);
    await raw.expect('LIST', 521);
    await once(conn, 'close'); // the passive listener's connection is dropped with the refusal
    await raw.expect('PROT P', 200);
    conn = await raw.passive(true);
    await raw.expect('LIST', 150);
    await readAll(conn);
    expect((await raw.reply()).code).toBe(226);
    raw.close();
  });

  test('without a certificate the door refuses to start', () => {
    const ctx = { chat: new Chat(), library: new Library('/nonexistent'), lang: 'en' as const, log: silentLogger() };
    expect(() => new FtpDoor(ctx, { host: '127.0.0.1', port: 0, requireTls: true })).toThrow(/--ftp-require-tls needs a certificate/u);
  });
});
