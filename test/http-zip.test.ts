// GET /api/zip over a real socket: curl downloads read back by Python's zipfile byte for byte, whole folders, hidden names and links out left out, refusals before any byte.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessServer } from './helpers/access-server.js';
import { errorCode, request, sha256, startHttpRig, type HttpRig } from './helpers/http.js';

const run = promisify(execFile);

/** Python reads the zip: every entry's name and, for files, the SHA-256 of its content (the zip's own CRCs checked by testzip). */
const READ_ZIP = `
import sys, zipfile, json, hashlib
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps({i.filename: (None if i.is_dir() else hashlib.sha256(z.read(i)).hexdigest()) for i in z.infolist()}))
`;

let rig: HttpRig;
let scratch: string;
const big = randomBytes(300 * 1024);

beforeAll(async () => {
  rig = await startHttpRig({ zip: { maxEntries: 20, maxBytes: 64 * 1024 * 1024 } });
  scratch = await fs.mkdtemp(path.join(tmpdir(), 'netroom-zip-'));
  const at = (rel: string): string => path.join(rig.root, ...rel.split('/'));
  await fs.mkdir(at('docs/sub'), { recursive: true });
  await fs.mkdir(at('docs/empty'));
  await fs.writeFile(at('a.txt'), 'alpha\n');
  await fs.writeFile(at('docs/b.txt'), 'bravo “two”\n');
  await fs.writeFile(at('docs/sub/c.bin'), big);
  await fs.writeFile(at('docs/.hidden'), 'secret\n');
  await fs.mkdir(at('docs/.meta'));
  await fs.writeFile(at('docs/.meta/x.txt'), 'secret\n');
  // Links: out of the library (never followed), and back up inside it (a loop, walked once).
  await fs.symlink(scratch, at('docs/out'));
  await fs.writeFile(path.join(scratch, 'outside.txt'), 'outside\n');
  await fs.symlink(path.join(scratch, 'outside.txt'), at('docs/outside.txt'));
  await fs.symlink(at('docs'), at('docs/sub/loop'));
});
afterAll(async () => {
  await rig.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

/** curl the zip of `paths` into a file; the status, headers and what Python read from it. */
async function zipOf(...paths: string[]): Promise<{ status: number; headers: string; entries: Record<string, string | null> }> {
  const out = path.join(scratch, `${randomBytes(4).toString('hex')}.zip`);
  const query = paths.map((p) => `path=${encodeURIComponent(p)}`).join('&');
  const { stdout } = await run('curl', ['-sS', '-D', '-', '-o', out, `${rig.base}/api/zip?${query}`], { timeout: 20_000 });
  const status = Number(/^HTTP\/1\.1 (\d+)/u.exec(stdout)?.[1]);
  if (status !== 200) return { status, headers: stdout, entries: {} };
  const { stdout: json } = await run('python3', ['-c', READ_ZIP, out], { timeout: 20_000 });
  return { status, headers: stdout, entries: JSON.parse(json) as Record<string, string | null> };
}

const hex = (text: string | Buffer): string => sha256(Buffer.from(text));

describe('GET /api/zip', () => {
  it('a folder whole: its files byte for byte, empty folders kept, hidden names and links out left out, a link loop walked once', async () => {
    const { status, headers, entries } = await zipOf('docs');
    expect(status).toBe(200);
    expect(headers).toMatch(/\r\ncontent-type: application\/zip\r\n/iu);
    expect(headers).toMatch(/\r\ncontent-disposition: attachment; filename="docs\.zip"/iu);
    const names = Object.keys(entries).sort();
    expect(names).toEqual(['docs/', 'docs/b.txt', 'docs/empty/', 'docs/sub/', 'docs/sub/c.bin', 'docs/sub/loop/']);
    expect(entries['docs/b.txt']).toBe(hex('bravo “two”\n'));
    expect(entries['docs/sub/c.bin']).toBe(hex(big));
  });

  it('several paths: names relative to their common parent; a path inside another one is zipped once', async () => {
    const top = await zipOf('a.txt', 'docs/b.txt');
    expect(top.headers).toMatch(/filename="netroom-files\.zip"/u);
    expect(top.entries).toEqual({ 'a.txt': hex('alpha\n'), 'docs/b.txt': hex('bravo “two”\n') });
    const inner = await zipOf('docs/b.txt', 'docs/sub', 'docs/sub/c.bin');
    // sub/loop leads back to docs, not walked yet in this zip: docs once more (its own sub/ once only).
    expect(Object.keys(inner.entries).sort()).toEqual(['b.txt', 'sub/', 'sub/c.bin', 'sub/loop/', 'sub/loop/b.txt', 'sub/loop/empty/', 'sub/loop/sub/']);
    expect(inner.entries['sub/c.bin']).toBe(hex(big));
  });

  it('refusals are JSON errors before any zip byte: no path, "..", hidden, a link out, missing', async () => {
    const cases: Array<[string, number, string]> = [
      ['', 400, 'BAD_REQUEST'],
      ['path=..%2Fetc', 403, 'OUTSIDE_ROOT'],
      ['path=docs%2F..%2F..%2Fx', 403, 'OUTSIDE_ROOT'],
      ['path=docs%2F.hidden', 403, 'HIDDEN_PATH'],
      ['path=docs&path=docs%2F.meta', 403, 'HIDDEN_PATH'],
      ['path=docs%2Fout', 403, 'OUTSIDE_ROOT'],
      ['path=nope.txt', 404, 'NOT_FOUND'],
      ['path=a.txt&path=nope.txt', 404, 'NOT_FOUND'],
    ];
    for (const [query, status, code] of cases) {
      const res = await request(rig.url(`/api/zip?${query}`));
      expect([query, res.status, errorCode(res)]).toEqual([query, status, code]);
      expect(res.headers['content-type']).toMatch(/^application\/json/u);
    }
  });

  it('past the entry limit (or the byte limit) is 413 TOO_LARGE before any byte', async () => {
    const folder = path.join(rig.root, 'many');
    await fs.mkdir(folder);
    await Promise.all(Array.from({ length: 25 }, (_, i) => fs.writeFile(path.join(folder, `f${i}.txt`), `${i}\n`)));
    const res = await request(rig.url('/api/zip?path=many'));
    expect([res.status, errorCode(res)]).toEqual([413, 'TOO_LARGE']);
    const bytes = await startHttpRig({ zip: { maxBytes: 1000 } });
    try {
      await fs.writeFile(path.join(bytes.root, 'two-k.bin'), randomBytes(2000));
      const over = await request(bytes.url('/api/zip?path=two-k.bin'));
      expect([over.status, errorCode(over)]).toEqual([413, 'TOO_LARGE']);
    } finally {
      await bytes.close();
    }
  });

  it('a file deleted while the zip streams is left out; the others arrive whole', async () => {
    const dir = path.join(rig.root, 'live');
    await fs.mkdir(dir);
    const first = randomBytes(24 * 1024 * 1024); // random: it cannot compress, so it outlasts the socket buffers
    await fs.writeFile(path.join(dir, '1-big.bin'), first);
    await fs.writeFile(path.join(dir, '2-gone.txt'), 'gone\n');
    await fs.writeFile(path.join(dir, '3-after.txt'), 'after\n');
    const out = path.join(scratch, 'live.zip');
    await new Promise<void>((resolve, reject) => {
      http.get(rig.url('/api/zip?path=live'), (res) => {
        const chunks: Buffer[] = [];
        let deleted = false;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (deleted) return;
          deleted = true;
          // Paused, the server cannot get past the first file (24 MiB) while we delete the second.
          res.pause();
          void fs.rm(path.join(dir, '2-gone.txt')).then(() => res.resume(), reject);
        });
        res.on('end', () => void fs.writeFile(out, Buffer.concat(chunks)).then(resolve, reject));
        res.on('error', reject);
      }).on('error', reject);
    });
    const { stdout } = await run('python3', ['-c', READ_ZIP, out], { timeout: 20_000 });
    const entries = JSON.parse(stdout) as Record<string, string | null>;
    expect(Object.keys(entries)).toEqual(['live/', 'live/1-big.bin', 'live/3-after.txt']);
    expect(entries['live/1-big.bin']).toBe(hex(first));
    expect(entries['live/3-after.txt']).toBe(hex('after\n'));
  });

  it('a client that goes mid-zip: the server closes the file it was reading', async () => {
    const file = path.join(rig.root, 'huge.bin');
    await fs.writeFile(file, randomBytes(24 * 1024 * 1024));
    const real = await fs.realpath(file);
    const openHere = async (): Promise<boolean> => {
      for (const fd of await fs.readdir('/proc/self/fd')) {
        if ((await fs.readlink(`/proc/self/fd/${fd}`).catch(() => '')) === real) return true;
      }
      return false;
    };
    await new Promise<void>((resolve, reject) => {
      const req = http.get(rig.url('/api/zip?path=huge.bin'), (res) => {
        res.once('data', () => {
          void openHere().then((open) => {
            expect(open).toBe(true); // the server is reading it
            req.destroy();
            resolve();
          }, reject);
        });
      });
      req.on('error', () => undefined);
    });
    await expect.poll(openHere, { timeout: 10_000 }).toBe(false);
    expect((await request(rig.url('/healthz'))).status).toBe(200);
  });
});

describe('GET /api/zip and who may read', () => {
  it('asks what a download asks: with --guests off, anonymous is refused as for GET /files; a member gets the zip', async () => {
    const srv = await startAccessServer({ guests: 'off' });
    try {
      await srv.access.accounts.add('alice', 'correct horse battery', 'member');
      const token = srv.access.credentials.create('alice', 'token', 'zip test').secret;
      await fs.writeFile(path.join(srv.root, 'a.txt'), 'alpha\n');
      const download = await srv.call('GET', '/files/a.txt');
      const zip = await srv.call('GET', '/api/zip?path=a.txt');
      expect(download.status).toBeGreaterThanOrEqual(400);
      expect([zip.status, errorCode(zip)]).toEqual([download.status, errorCode(download)]);
      const ok = await srv.call('GET', '/api/zip?path=a.txt', { headers: { authorization: `Bearer ${token}` } });
      expect([ok.status, ok.headers['content-type']]).toEqual([200, 'application/zip']);
      expect(ok.body.subarray(0, 4).toString('hex')).toBe('504b0304'); // PK\3\4: a zip's first entry
    } finally {
      await srv.close();
    }
  });
});
