// FTPS explicit with real clients: curl --ssl-reqd, lftp ftp:ssl-force, Python ftplib.FTP_TLS; certificates made by openssl.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, hasTool, startFtpDoor, type FtpFixture } from './helpers/ftp.js';
import { sha256, sha256File } from './helpers/seedfiles.js';
import { makeTestCert, type TestCert } from './helpers/tls.js';

const run = promisify(execFile);
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

async function door(requireTls = false): Promise<FtpFixture> {
  // alice: a member, for continuing an upload of an existing file (an overwrite, which guests may not do).
  const f = await startFtpDoor({ door: { tls: cert.source, ...(requireTls ? { requireTls: true } : {}) }, accounts: { alice: 'member' } });
  fixtures.push(f);
  return f;
}

/** Run a client; its exit code and output, whether it failed or not. */
function attempt(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }));
  });
}

describe.skipIf(!hasTool('curl'))('curl --ssl-reqd', () => {
  const curl = async (...args: string[]): Promise<string> => (await run('curl', ['-sS', '--fail', '--ssl-reqd', '--cacert', cert.certFile, ...args], { timeout: 30_000 })).stdout;

  test('list, upload (-T) and download byte-exact; the data connections resume the TLS session', async () => {
    const f = await door();
    const url = `ftp://127.0.0.1:${f.port}/`;
    const data = randomBytes(2_500_000);
    const local = path.join(f.dir, 'local.bin');
    await fs.writeFile(local, data);
    await curl('-T', local, `${url}up.bin`);
    expect(await sha256File(path.join(f.root, 'up.bin'))).toBe(sha256(data));
    expect(await curl(url)).toMatch(/ 2500000 .* up\.bin\r?\n$/u);
    const back = path.join(f.dir, 'back.bin');
    await curl('-o', back, `${url}up.bin`);
    expect(await sha256File(back)).toBe(sha256(data));
    expect(f.transfers.map((t) => [t.verb, t.outcome, t.tlsResumed])).toEqual([
      ['STOR', 'complete', true],
      ['LIST', 'complete', true],
      ['RETR', 'complete', true],
    ]);
  });

  test('-C - resumes a download and an upload over TLS, byte-exact', async () => {
    const f = await door();
    const url = `ftp://127.0.0.1:${f.port}/`;
    const data = randomBytes(600_000);
    await fs.writeFile(path.join(f.root, 'd.bin'), data);
    const partial = path.join(f.dir, 'partial.bin');
    await fs.writeFile(partial, data.subarray(0, 123_457));
    await curl('-C', '-', '-o', partial, `${url}d.bin`);
    expect(await sha256File(partial)).toBe(sha256(data));
    const start = path.join(f.dir, 'start.bin');
    await fs.writeFile(start, data.subarray(0, 200_000));
    await curl('-u', `alice:${PASSWORD}`, '-T', start, `${url}u.bin`);
    await curl('-u', `alice:${PASSWORD}`, '-C', '-', '-T', partial, `${url}u.bin`); // SIZE + APPE, signed in over TLS
    expect(await sha256File(path.join(f.root, 'u.bin'))).toBe(sha256(data));
  });

  test('--ftp-require-tls: a clear login is refused (530), the same client with --ssl-reqd gets in', async () => {
    const f = await door(true);
    const url = `ftp://127.0.0.1:${f.port}/`;
    const plain = await attempt('curl', ['-sS', '-v', url]);
    expect(plain.code).toBe(67); // curl: "the user name, password, or similar was not accepted"
    expect(plain.stderr).toMatch(/< 530 TLS required/u);
    await curl(url);
  });
});

describe.skipIf(!hasTool('lftp'))('lftp with ftp:ssl-force and ftp:ssl-protect-data', () => {
  test('put, ls, get byte-exact; the data connections resume the TLS session', async () => {
    const f = await door();
    const data = randomBytes(1_500_000);
    const local = path.join(f.dir, 'l.bin');
    await fs.writeFile(local, data);
    const back = path.join(f.dir, 'l.back');
    const settings = `set net:max-retries 1; set net:timeout 10; set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:ca-file ${cert.certFile}`;
    const { stdout } = await run('lftp', ['-c', `${settings}; open -u anonymous,x ftp://127.0.0.1:${f.port}; put ${local} -o up.bin; ls; get up.bin -o ${back}`], { timeout: 30_000 });
    expect(stdout).toMatch(/ 1500000 .* up\.bin/u);
    expect(await sha256File(path.join(f.root, 'up.bin'))).toBe(sha256(data));
    expect(await sha256File(back)).toBe(sha256(data));
    expect(f.transfers.map((t) => [t.verb, t.outcome, t.tlsResumed])).toEqual([
      ['STOR', 'complete', true],
      ['LIST', 'complete', true],
      ['RETR', 'complete', true],
    ]);
  });
});

const python = hasTool('python3') ? 'python3' : null;

describe.skipIf(python === null)('Python ftplib.FTP_TLS', () => {
  test('login, prot_p, storbinary, retrbinary in passive and active mode, byte-exact; CCC refused', async () => {
    const f = await door();
    const data = randomBytes(700_000);
    const local = path.join(f.dir, 'py.bin');
    await fs.writeFile(local, data);
    const script = `
import ftplib, hashlib, io, ssl, sys
port, local, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
f = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=ca))
f.connect('127.0.0.1', port, timeout=10)
f.login()
f.prot_p()
data = open(local, 'rb').read()
f.storbinary('STOR py.bin', io.BytesIO(data))
out = []
for pasv in (True, False):
    f.set_pasv(pasv)
    buf = io.BytesIO()
    f.retrbinary('RETR py.bin', buf.write)
    out.append(hashlib.sha256(buf.getvalue()).hexdigest())
try:
    f.ccc()
    out.append('ccc accepted')
except ftplib.error_perm as e:
    out.append(str(e)[:3])
f.quit()
print(' '.join(out))
`;
    const { stdout } = await run(python!, ['-c', script, String(f.port), local, cert.certFile], { timeout: 30_000 });
    expect(stdout.trim().split(' ')).toEqual([sha256(data), sha256(data), '534']);
    expect(await sha256File(path.join(f.root, 'py.bin'))).toBe(sha256(data));
    // ftplib offers no session to resume (it wraps each data socket afresh): not required, so it works.
    expect(f.transfers.map((t) => [t.verb, t.outcome, t.tlsResumed])).toEqual([
      ['STOR', 'complete', false],
      ['RETR', 'complete', false],
      ['RETR', 'complete', false],
    ]);
  });

  test('--ftp-require-tls: ftplib.FTP (clear) cannot log in', async () => {
    const f = await door(true);
    const script = `
import ftplib, sys
f = ftplib.FTP()
f.connect('127.0.0.1', int(sys.argv[1]), timeout=10)
try:
    f.login()
    print('logged in')
except ftplib.error_perm as e:
    print(str(e))
`;
    const { stdout } = await run(python!, ['-c', script, String(f.port)], { timeout: 30_000 });
    expect(stdout.trim()).toBe('530 TLS required: send AUTH TLS first');
  });
});
