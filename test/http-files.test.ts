// HTTP door, file routes: listing, folders, GET/HEAD with ranges and validators, Content-Disposition, DELETE.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, errorCode, fileUrl, request, startHttpRig, tree, type HttpRig } from './helpers/http.js';

let rig: HttpRig;
const data = randomBytes(100_000);

beforeAll(async () => {
  rig = await startHttpRig();
  await fs.writeFile(path.join(rig.root, 'data.bin'), data);
  await fs.writeFile(path.join(rig.root, 'empty.txt'), '');
  await fs.writeFile(path.join(rig.root, '.hidden'), 'secret');
  await fs.mkdir(path.join(rig.root, 'docs'));
  await fs.writeFile(path.join(rig.root, 'docs', '读书笔记 “一”.txt'), '你好，世界');
  await fs.mkdir(path.join(rig.root, '.git'));
});
afterAll(() => rig.close());

describe('GET /api/files', () => {
  it('lists files and folders with type, size and mtime, never hidden entries', async () => {
    const res = await request(rig.url('/api/files'));
    expect(res.status).toBe(200);
    const list = res.json<Array<{ name: string; type: string; size: number; mtime: number }>>();
    expect(list.map((e) => [e.name, e.type])).toEqual([
      ['data.bin', 'file'],
      ['docs', 'dir'],
      ['empty.txt', 'file'],
    ]);
    expect(list[0]?.size).toBe(data.length);
    expect(list[0]?.mtime).toBeGreaterThan(0);
  });

  it('lists a sub-folder given as ?path=', async () => {
    const res = await request(rig.url(`/api/files?path=${encodeURIComponent('docs')}`));
    expect(res.json<Array<{ name: string }>>().map((e) => e.name)).toEqual(['读书笔记 “一”.txt']);
  });

  it('refuses traversal, hidden folders and missing ones with JSON errors', async () => {
    for (const [query, status, code] of [
      ['..', 403, 'OUTSIDE_ROOT'],
      ['.git', 403, 'HIDDEN_PATH'],
      ['missing', 404, 'NOT_FOUND'],
      ['data.bin', 400, 'NOT_A_DIRECTORY'],
    ] as const) {
      const res = await request(rig.url(`/api/files?path=${encodeURIComponent(query)}`));
      expect([query, res.status, errorCode(res)]).toEqual([query, status, code]);
    }
  });

  it('refuses a repeated path parameter', async () => {
    const res = await request(rig.url('/api/files?path=a&path=b'));
    expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('POST /api/folders', () => {
  it('creates a folder (201), then says it exists (409); a missing parent is 404', async () => {
    const created = await request(rig.url('/api/folders?path=new-folder'), { method: 'POST' });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ path: 'new-folder' });
    expect((await fs.stat(path.join(rig.root, 'new-folder'))).isDirectory()).toBe(true);
    const again = await request(rig.url('/api/folders?path=new-folder'), { method: 'POST' });
    expect([again.status, errorCode(again)]).toEqual([409, 'ALREADY_EXISTS']);
    const orphan = await request(rig.url('/api/folders?path=no/such/parent'), { method: 'POST' });
    expect([orphan.status, errorCode(orphan)]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses hidden and traversing names, and a missing path', async () => {
    const before = await tree(path.dirname(rig.root));
    for (const [name, status] of [
      ['.secret', 403],
      ['../outside', 403],
      ['', 400],
    ] as const) {
      const res = await request(rig.url(`/api/folders?path=${encodeURIComponent(name)}`), { method: 'POST' });
      expect([name, res.status]).toEqual([name, status]);
    }
    expect(await tree(path.dirname(rig.root))).toEqual(before);
  });
});

describe('GET and HEAD /files/PATH', () => {
  it('sends the whole file with its validators and headers', async () => {
    const res = await request(fileUrl(rig, 'data.bin'));
    expect(res.status).toBe(200);
    expect(res.body.equals(data)).toBe(true);
    expect(res.headers['content-length']).toBe(String(data.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/u);
    expect(Date.parse(res.headers['last-modified'] ?? '')).toBeGreaterThan(0);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="data.bin"; filename*=UTF-8''data.bin`);
  });

  it('HEAD gives the same headers and no body', async () => {
    const get = await request(fileUrl(rig, 'data.bin'));
    const head = await request(fileUrl(rig, 'data.bin'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-length', 'etag', 'last-modified', 'content-type', 'accept-ranges', 'content-disposition']) {
      expect([name, head.headers[name]]).toEqual([name, get.headers[name]]);
    }
  });

  it('names a Chinese file with an ASCII fallback and the exact UTF-8 name (RFC 6266/8187)', async () => {
    const name = '读书笔记 “一”.txt';
    const res = await request(fileUrl(rig, `docs/${name}`));
    expect(res.body.toString('utf8')).toBe('你好，世界');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const disposition = res.headers['content-disposition'] ?? '';
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/u);
    const encoded = /filename\*=UTF-8''(.+)$/u.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe(name);
    const inline = await request(fileUrl(rig, `docs/${name}`) + '?inline=1');
    expect(inline.headers['content-disposition']).toMatch(/^inline; /u);
  });

  it('answers single ranges a-b, a- and -n with 206 and Content-Range', async () => {
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=99990-', 99990, 99999],
      ['bytes=-10', 99990, 99999],
      ['bytes=500-999999', 500, 99999],
      ['bytes=-999999', 0, 99999],
    ] as const) {
      const res = await request(fileUrl(rig, 'data.bin'), { headers: { range } });
      expect([range, res.status, res.headers['content-range']]).toEqual([range, 206, `bytes ${start}-${end}/${data.length}`]);
      expect(res.body.equals(data.subarray(start, end + 1))).toBe(true);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
    }
  });

  it('HEAD with a range reports the part without sending it', async () => {
    const res = await request(fileUrl(rig, 'data.bin'), { method: 'HEAD', headers: { range: 'bytes=10-19' } });
    expect([res.status, res.headers['content-range'], res.headers['content-length'], res.body.length]).toEqual([206, `bytes 10-19/${data.length}`, '10', 0]);
  });

  it('answers 416 with bytes */SIZE for an unsatisfiable range, also on an empty file', async () => {
    const res = await request(fileUrl(rig, 'data.bin'), { headers: { range: `bytes=${data.length}-` } });
    expect([res.status, res.headers['content-range'], errorCode(res)]).toEqual([416, `bytes */${data.length}`, 'RANGE_NOT_SATISFIABLE']);
    const empty = await request(fileUrl(rig, 'empty.txt'), { headers: { range: 'bytes=0-' } });
    expect([empty.status, empty.headers['content-range']]).toEqual([416, 'bytes */0']);
    const whole = await request(fileUrl(rig, 'empty.txt'));
    expect([whole.status, whole.body.length, whole.headers['content-length']]).toEqual([200, 0, '0']);
  });

  it('answers several ranges (or another unit) with the whole file, a malformed one with 400', async () => {
    const multi = await request(fileUrl(rig, 'data.bin'), { headers: { range: 'bytes=0-1,5-9' } });
    expect([multi.status, multi.body.length]).toEqual([200, data.length]);
    const unit = await request(fileUrl(rig, 'data.bin'), { headers: { range: 'items=0-1' } });
    expect(unit.status).toBe(200);
    for (const range of ['bytes=abc', 'bytes=5-1', 'bytes=--1', 'nonsense']) {
      const res = await request(fileUrl(rig, 'data.bin'), { headers: { range } });
      expect([range, res.status, errorCode(res)]).toEqual([range, 400, 'BAD_REQUEST']);
    }
  });

  it('honours If-Range: a matching ETag or date keeps the range, a stale one sends the whole file', async () => {
    const head = await request(fileUrl(rig, 'data.bin'), { method: 'HEAD' });
    const etag = head.headers.etag ?? '';
    const lastModified = head.headers['last-modified'] ?? '';
    const hit = await request(fileUrl(rig, 'data.bin'), { headers: { range: 'bytes=0-9', 'if-range': etag } });
    expect([hit.status, hit.body.length]).toEqual([206, 10]);
    const byDate = await request(fileUrl(rig, 'data.bin'), { headers: { range: 'bytes=0-9', 'if-range': lastModified } });
    expect(byDate.status).toBe(206);
    const stale = await request(fileUrl(rig, 'data.bin'), { headers: { range: 'bytes=0-9', 'if-range': '"0-0"' } });
    expect([stale.status, stale.body.length]).toEqual([200, data.length]);
    const weak = await request(fileUrl(rig, 'data.bin'), { headers: { range: 'bytes=0-9', 'if-range': `W/${etag}` } });
    expect(weak.status).toBe(200);
  });

  it('answers If-None-Match with 304 when the ETag matches, and 200 when not', async () => {
    const etag = (await request(fileUrl(rig, 'data.bin'), { method: 'HEAD' })).headers.etag ?? '';
    const same = await request(fileUrl(rig, 'data.bin'), { headers: { 'if-none-match': `"x", ${etag}` } });
    expect([same.status, same.body.length, same.headers.etag]).toEqual([304, 0, etag]);
    const other = await request(fileUrl(rig, 'data.bin'), { headers: { 'if-none-match': '"other"' } });
    expect(other.status).toBe(200);
    const modified = await request(fileUrl(rig, 'data.bin'), { headers: { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() } });
    expect(modified.status).toBe(304);
  });

  it('answers If-Match with 412 when the file has changed', async () => {
    const res = await request(fileUrl(rig, 'data.bin'), { headers: { 'if-match': '"stale"' } });
    expect([res.status, errorCode(res)]).toEqual([412, 'PRECONDITION_FAILED']);
  });

  it('refuses a folder (400 NOT_A_FILE), a missing file (404), hidden and traversing paths (403)', async () => {
    for (const [url, status, code] of [
      [fileUrl(rig, 'docs'), 400, 'NOT_A_FILE'],
      [fileUrl(rig, 'missing.bin'), 404, 'NOT_FOUND'],
      [fileUrl(rig, '.hidden'), 403, 'HIDDEN_PATH'],
      [{ port: rig.port, path: '/files/%2e%2e/%2e%2e/etc/passwd' }, 403, 'OUTSIDE_ROOT'],
      [{ port: rig.port, path: '/files/../../etc/passwd' }, 403, 'OUTSIDE_ROOT'],
      [{ port: rig.port, path: '/files/docs/..%2F..%2Fsecret' }, 403, 'OUTSIDE_ROOT'],
      [{ port: rig.port, path: '/files/%2Fetc%2Fpasswd' }, 403, 'OUTSIDE_ROOT'],
      [rig.url('/files/a%5Cb'), 400, 'BAD_PATH'],
      [rig.url('/files/a%00b'), 400, 'BAD_PATH'],
      [rig.url('/files/bad%zz'), 400, 'BAD_REQUEST'],
    ] as const) {
      for (const method of ['GET', 'HEAD']) {
        const res = await request(url, { method });
        expect([url, method, res.status]).toEqual([url, method, status]);
        if (method === 'GET') expect([url, errorCode(res)]).toEqual([url, code]);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      }
    }
  });

  it('streams a file larger than one read buffer byte-exact, also from an offset', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    await fs.writeFile(path.join(rig.root, 'big.bin'), big);
    const whole = await request(fileUrl(rig, 'big.bin'));
    expect(whole.body.equals(big)).toBe(true);
    const tail = await request(fileUrl(rig, 'big.bin'), { headers: { range: 'bytes=1000001-' } });
    expect(tail.body.equals(big.subarray(1000001))).toBe(true);
    const metrics = await rig.metrics?.registry.getSingleMetricAsString('netroom_bytes_out_total');
    expect(metrics).toMatch(/netroom_bytes_out_total\{door="http"\} \d+/u);
  });

  it('many downloads at once all arrive byte-exact (buffers shared among them)', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => request(fileUrl(rig, 'data.bin'))));
    for (const res of results) expect(res.body.equals(data)).toBe(true);
  });
});

describe('downloads that end early', () => {
  it('a client that goes away mid-download leaves no open file once the door has closed', async () => {
    const own = await startHttpRig();
    const big = randomBytes(8 * 1024 * 1024);
    await fs.writeFile(path.join(own.root, 'big.bin'), big);
    const req = http.get(fileUrl(own, 'big.bin'), { agent: false });
    req.on('error', () => undefined);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    await once(res, 'data');
    req.destroy();
    await own.close(); // waits for every transfer to settle
    expect(await openHandlesTo(path.join(own.root, 'big.bin'))).toBe(0);
  });

  it('a client that stops reading is cut after the idle timeout', async () => {
    const own = await startHttpRig({ idleTimeoutMs: 200 });
    try {
      await fs.writeFile(path.join(own.root, 'big.bin'), randomBytes(32 * 1024 * 1024));
      const accepted = once(own.door.app.server, 'connection') as Promise<[import('node:net').Socket]>;
      const req = http.get(fileUrl(own, 'big.bin'), { agent: false });
      req.on('error', () => undefined);
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      res.pause(); // never read: the server's writes stall, then it gives up
      const [serverSide] = await accepted;
      // A paused client never reads the server's FIN, so watch the server's end of the connection.
      await once(serverSide, 'close');
      expect(res.complete).toBe(false);
      req.destroy();
    } finally {
      await own.close();
    }
  });
});

/** How many of this process's file descriptors point at `file` (Linux /proc; 0 elsewhere). */
async function openHandlesTo(file: string): Promise<number> {
  const fds = await fs.readdir('/proc/self/fd').catch(() => [] as string[]);
  let count = 0;
  for (const fd of fds) if ((await fs.readlink(`/proc/self/fd/${fd}`).catch(() => '')) === file) count++;
  return count;
}

describe('DELETE /files/PATH', () => {
  it('removes a file (204), an empty folder (204); a missing one is 404, a full folder 409', async () => {
    // Placed outside netroom, so nobody known made them: only an administrator deletes them.
    const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
    await fs.writeFile(path.join(rig.root, 'gone.txt'), 'x');
    await fs.mkdir(path.join(rig.root, 'empty-dir'));
    await fs.mkdir(path.join(rig.root, 'full-dir'));
    await fs.writeFile(path.join(rig.root, 'full-dir', 'keep.txt'), 'x');
    const file = await request(fileUrl(rig, 'gone.txt'), { method: 'DELETE', headers: ADMIN });
    expect([file.status, file.body.length]).toEqual([204, 0]);
    await expect(fs.stat(path.join(rig.root, 'gone.txt'))).rejects.toThrow();
    expect((await request(fileUrl(rig, 'empty-dir'), { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    const missing = await request(fileUrl(rig, 'gone.txt'), { method: 'DELETE', headers: ADMIN });
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    const full = await request(fileUrl(rig, 'full-dir'), { method: 'DELETE', headers: ADMIN });
    expect([full.status, errorCode(full)]).toEqual([409, 'NOT_EMPTY']);
    const hidden = await request(fileUrl(rig, '.hidden'), { method: 'DELETE', headers: ADMIN });
    expect(hidden.status).toBe(403);
    expect(await fs.readFile(path.join(rig.root, '.hidden'), 'utf8')).toBe('secret');
  });
});
