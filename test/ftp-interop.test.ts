// The FTP door with real clients where installed: curl (list, get, put, -C - both ways), Python ftplib (active), lftp mirror.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Continuations } from '../src/core/append.js';
import { PASSWORD, hasTool, startFtpDoor, tree, type FtpFixture } from './helpers/ftp.js';
import { sha256, sha256File } from './helpers/seedfiles.js';

const run = promisify(execFile);
let f: FtpFixture;
let url: string;

beforeEach(async () => {
  // alice: a member, for continuing uploads of an existing file (an overwrite, which guests may not do).
  f = await startFtpDoor({ accounts: { alice: 'member' } });
  url = `ftp://127.0.0.1:${f.port}/`;
});

afterEach(async () => {
  await f.close();
});

async function curl(...args: string[]): Promise<string> {
  return (await run('curl', ['-sS', '--fail', ...args], { timeout: 20_000 })).stdout;
}

describe.skipIf(!hasTool('curl'))('curl', () => {
  test('list, get, put byte-exact; the listing is ls -l', async () => {
    const data = randomBytes(1_000_000);
    const local = path.join(f.dir, 'local.bin');
    await fs.writeFile(local, data);
    await curl('-T', local, `${url}up.bin`);
    expect(await sha256File(path.join(f.root, 'up.bin'))).toBe(sha256(data));
    expect(await curl(url)).toMatch(/^-rw-r--r-- 1 ftp ftp +1000000 \w{3} [ \d]\d [\d:]{5} up\.bin\r?\n$/u);
    expect(await curl('--list-only', url)).toBe('up.bin\n'); // curl turns the ASCII listing's CRLF into LF
    const back = path.join(f.dir, 'back.bin');
    await curl('-o', back, `${url}up.bin`);
    expect(await sha256File(back)).toBe(sha256(data));
  });

  test('-C - resumes a download (REST + RETR) byte-exact', async () => {
    const data = randomBytes(500_000);
    await fs.writeFile(path.join(f.root, 'd.bin'), data);
    const partial = path.join(f.dir, 'partial.bin');
    await fs.writeFile(partial, data.subarray(0, 123_457));
    await curl('-C', '-', '-o', partial, `${url}d.bin`);
    expect(await sha256File(partial)).toBe(sha256(data));
  });

  test('-C - resumes an upload (SIZE + APPE): after a visible partial file, and after a dropped upload kept hidden', async () => {
    const data = randomBytes(400_000);
    const local = path.join(f.dir, 'whole.bin');
    await fs.writeFile(local, data);
    const partial = path.join(f.dir, 'partial.bin');
    await fs.writeFile(partial, data.subarray(0, 150_000));
    // The visible partial file is alice's own: continuing it is an overwrite, a member's right on her files.
    await curl('-u', `alice:${PASSWORD}`, '-T', partial, `${url}a.bin`);
    await curl('-u', `alice:${PASSWORD}`, '-C', '-', '-T', local, `${url}a.bin`);
    expect(await sha256File(path.join(f.root, 'a.bin'))).toBe(sha256(data));
    // A dropped upload: its bytes are kept hidden; SIZE reports them, APPE continues them.
    const dropped = await new Continuations(f.library).begin('b.bin', 0);
    await new Promise<void>((resolve, reject) => dropped.write(data.subarray(0, 99_999), (err) => (err ? reject(err) : resolve())));
    await dropped.keep();
    expect(await f.library.list('')).toEqual([expect.objectContaining({ name: 'a.bin' })]);
    await curl('-C', '-', '-T', local, `${url}b.bin`);
    expect(await sha256File(path.join(f.root, 'b.bin'))).toBe(sha256(data));
    expect(await tree(f.root)).toEqual(['a.bin', 'b.bin']);
  });
});

const python = hasTool('python3') ? 'python3' : null;

describe.skipIf(python === null)('Python ftplib in active mode (set_pasv(False))', () => {
  test('STOR, RETR, REST + STOR continuation (signed in: continuing an existing file is an overwrite), LIST, all over PORT', async () => {
    const data = randomBytes(300_000);
    const local = path.join(f.dir, 'py.bin');
    await fs.writeFile(local, data);
    const script = `
import ftplib, hashlib, io, sys
port, local, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
f = ftplib.FTP()
f.connect('127.0.0.1', port, timeout=10)
f.login('alice', password)
f.set_pasv(False)
data = open(local, 'rb').read()
f.storbinary('STOR py.bin', io.BytesIO(data[:100000]))
f.storbinary('STOR py.bin', io.BytesIO(data[100000:]), rest=100000)
buf = io.BytesIO()
f.retrbinary('RETR py.bin', buf.write)
lines = []
f.retrlines('LIST', lines.append)
f.quit()
print(hashlib.sha256(buf.getvalue()).hexdigest())
print(lines[0])
`;
    const { stdout } = await run(python!, ['-c', script, String(f.port), local, PASSWORD], { timeout: 20_000 });
    const [digest, line] = stdout.trim().split('\n');
    expect(digest).toBe(sha256(data));
    expect(line).toMatch(/ 300000 .* py\.bin$/u);
    expect(await sha256File(path.join(f.root, 'py.bin'))).toBe(sha256(data));
  });
});

describe.skipIf(!hasTool('lftp'))('lftp', () => {
  test('mirror a folder up (mirror -R) and down again, byte-exact, UTF-8 names included', async () => {
    const up = path.join(f.dir, 'up');
    await fs.mkdir(path.join(up, 'sub', '深'), { recursive: true });
    const files: Record<string, Buffer> = {
      'a.txt': Buffer.from('alpha\n'),
      'sub/b.bin': randomBytes(200_000),
      'sub/深/中文 名.txt': Buffer.from('名字\n'),
      'empty.txt': Buffer.alloc(0),
    };
    for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(up, name), bytes);
    const lftp = (commands: string): Promise<{ stdout: string }> =>
      run('lftp', ['-c', `set net:max-retries 1; set net:timeout 10; set ftp:passive-mode on; open -u anonymous,x ftp://127.0.0.1:${f.port}; ${commands}`], { timeout: 30_000 });
    await lftp(`mirror -R ${up} /up`);
    for (const [name, bytes] of Object.entries(files)) expect(sha256(await fs.readFile(path.join(f.root, 'up', name)))).toBe(sha256(bytes));
    const down = path.join(f.dir, 'down');
    await lftp(`mirror /up ${down}`);
    for (const [name, bytes] of Object.entries(files)) expect(sha256(await fs.readFile(path.join(down, name)))).toBe(sha256(bytes));
    expect(await tree(down)).toEqual(await tree(up));
  });
});
