// HTTP door, uploads: PUT statuses, limits, path refusals, concurrency, and resumable interrupted uploads.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, errorCode, fileUrl, nextDoorEvent, nextChatEvent, request, sha256, startHttpRig, tree, waitForHiddenFile, type HttpRig } from './helpers/http.js';

/**
 * Start a PUT, send `first` with the announced `headers`, wait until the server has written
 * `written` bytes of its hidden file (all of `first` plus a continued prefix), then cut the connection.
 */
async function interruptedPut(rig: HttpRig, rel: string, headers: http.OutgoingHttpHeaders, first: Buffer, written = first.length): Promise<void> {
  const req = http.request(fileUrl(rig, rel), { method: 'PUT', headers, agent: false });
  req.on('error', () => undefined);
  req.write(first);
  // Bytes still in the server's request buffer when the connection drops are lost (Node discards
  // them), so the test waits for them to reach the file: the kept offset is then exact.
  await waitForHiddenFile(path.join(rig.root, path.dirname(rel)), written);
  req.destroy();
}

describe('PUT /files/PATH', () => {
  let rig: HttpRig;
  beforeAll(async () => {
    rig = await startHttpRig();
    await fs.mkdir(path.join(rig.root, 'docs'));
  });
  afterAll(() => rig.close());

  it('stores a new file (201) with its size and SHA-256, then replaces it (200)', async () => {
    const first = randomBytes(200_000);
    const created = await request(fileUrl(rig, 'docs/new.bin'), { method: 'PUT', body: first });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ path: 'docs/new.bin', size: first.length, sha256: sha256(first) });
    expect((await fs.readFile(path.join(rig.root, 'docs/new.bin'))).equals(first)).toBe(true);
    const second = Buffer.from('shorter');
    // Replacing needs the right to overwrite (the permission table): the admin token's.
    const replaced = await request(fileUrl(rig, 'docs/new.bin'), { method: 'PUT', body: second, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(replaced.status).toBe(200);
    expect(replaced.json()).toEqual({ path: 'docs/new.bin', size: second.length, sha256: sha256(second) });
    expect(await fs.readFile(path.join(rig.root, 'docs/new.bin'), 'utf8')).toBe('shorter');
    expect(await tree(rig.root)).toEqual(['docs', 'docs/new.bin']);
  });

  it('streams a chunked body of any content type (never parsed as JSON), and an empty one', async () => {
    const parts = [randomBytes(70_000), randomBytes(70_000)];
    const res = await request(fileUrl(rig, 'looks-like.json'), { method: 'PUT', body: parts, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(res.json<{ sha256: string }>().sha256).toBe(sha256(Buffer.concat(parts)));
    const empty = await request(fileUrl(rig, 'empty.txt'), { method: 'PUT' });
    expect([empty.status, empty.json<{ size: number }>().size]).toEqual([201, 0]);
  });

  it('tells the room, naming the uploader only when X-Netroom-Name is a member', async () => {
    const anonymous = nextChatEvent(rig.chat, (e) => e.kind === 'file');
    await request(fileUrl(rig, 'a.txt'), { method: 'PUT', body: 'abc', headers: { 'x-netroom-name': 'nobody-here' } });
    expect(await anonymous).toMatchObject({ kind: 'file', path: 'a.txt', size: 3 });
    expect(await anonymous).not.toHaveProperty('name');
    const member = rig.chat.enter('小明', 'udp');
    const named = nextChatEvent(rig.chat, (e) => e.kind === 'file');
    await request(fileUrl(rig, 'b.txt'), { method: 'PUT', body: 'abcd', headers: { 'x-netroom-name': encodeURIComponent('小明') } });
    expect(await named).toMatchObject({ kind: 'file', name: '小明', path: 'b.txt', size: 4 });
    rig.chat.disconnect(member);
  });

  it('If-None-Match: * refuses to overwrite (412) and creates when the name is free', async () => {
    await fs.writeFile(path.join(rig.root, 'kept.txt'), 'original');
    const refused = await request(fileUrl(rig, 'kept.txt'), { method: 'PUT', body: 'new', headers: { 'if-none-match': '*' } });
    expect([refused.status, errorCode(refused)]).toEqual([412, 'ALREADY_EXISTS']);
    expect(await fs.readFile(path.join(rig.root, 'kept.txt'), 'utf8')).toBe('original');
    const fresh = await request(fileUrl(rig, 'fresh.txt'), { method: 'PUT', body: 'new', headers: { 'if-none-match': '*' } });
    expect(fresh.status).toBe(201);
    const bad = await request(fileUrl(rig, 'kept.txt'), { method: 'PUT', body: 'new', headers: { 'if-none-match': '"abc"' } });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('refuses traversal, hidden names and bad paths before writing anything anywhere', async () => {
    const parent = path.dirname(rig.root);
    const before = await tree(parent);
    for (const [target, status] of [
      [{ port: rig.port, path: '/files/../escape.txt' }, 403],
      [{ port: rig.port, path: '/files/%2e%2e/escape.txt' }, 403],
      [{ port: rig.port, path: '/files/docs/..%2F..%2Fescape.txt' }, 403],
      [{ port: rig.port, path: '/files/%2Ftmp%2Fescape.txt' }, 403],
      [fileUrl(rig, '.hidden'), 403],
      [fileUrl(rig, 'docs/.hidden'), 403],
      [fileUrl(rig, '.netroom-partial-x'), 403],
      [rig.url('/files/a%5Cb'), 400],
      [rig.url('/files/a%00b'), 400],
      [rig.url('/files/'), 400],
    ] as const) {
      const res = await request(target, { method: 'PUT', body: randomBytes(1000) });
      expect([target, res.status]).toEqual([target, status]);
      expect(res.json()).toHaveProperty('error.code');
    }
    expect(await tree(parent)).toEqual(before);
  });

  it('refuses a missing folder (404) and a folder of that name (400 NOT_A_FILE)', async () => {
    const missing = await request(fileUrl(rig, 'no/such/x.txt'), { method: 'PUT', body: 'x' });
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    const folder = await request(fileUrl(rig, 'docs'), { method: 'PUT', body: 'x' });
    expect([folder.status, errorCode(folder)]).toEqual([400, 'NOT_A_FILE']);
  });

  it('refuses malformed Content-Range and a Content-Length that disagrees with it', async () => {
    for (const [range, length] of [
      ['bytes 0-9', 10],
      ['bytes 5-1/10', 5],
      ['bytes 0-10/10', 11],
      ['items 0-9/10', 10],
      ['bytes 0-9/10', 5],
    ] as const) {
      const res = await request(fileUrl(rig, 'ranged.bin'), { method: 'PUT', body: randomBytes(length), headers: { 'content-range': range } });
      expect([range, res.status, errorCode(res)]).toEqual([range, 400, 'BAD_REQUEST']);
    }
    await expect(fs.stat(path.join(rig.root, 'ranged.bin'))).rejects.toThrow();
  });

  it('concurrent PUTs of one name: each succeeds and the file is exactly one of them', async () => {
    const bodies = Array.from({ length: 6 }, () => randomBytes(300_000 + Math.floor(Math.random() * 1000)));
    const results = await Promise.all(bodies.map((body) => request(fileUrl(rig, 'race.bin'), { method: 'PUT', body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })));
    for (const res of results) expect([201, 200]).toContain(res.status);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const final = await fs.readFile(path.join(rig.root, 'race.bin'));
    expect(bodies.filter((b) => b.equals(final))).toHaveLength(1);
    expect((await fs.readdir(rig.root)).filter((n) => n.startsWith('.') && n !== '.netroom')).toEqual([]);
  });

  it('counts uploads and bytes in the metrics', async () => {
    await request(fileUrl(rig, 'counted.bin'), { method: 'PUT', body: randomBytes(1234) });
    const text = await rig.metrics?.registry.metrics();
    expect(text).toMatch(/netroom_uploads_total\{door="http"\} [1-9]/u);
    expect(text).toMatch(/netroom_bytes_in_total\{door="http"\} [1-9]/u);
  });
});

describe('upload limits (--max-upload 1000, --no-overwrite)', () => {
  let rig: HttpRig;
  beforeAll(async () => {
    rig = await startHttpRig({ library: { maxUpload: 1000, noOverwrite: true } });
  });
  afterAll(() => rig.close());

  it('refuses from Content-Length alone (413) and writes nothing', async () => {
    const res = await request(fileUrl(rig, 'big.bin'), { method: 'PUT', body: randomBytes(5000) });
    expect([res.status, errorCode(res)]).toEqual([413, 'TOO_LARGE']);
    expect(await tree(rig.root)).toEqual([]);
  });

  it('with Expect: 100-continue the body is never asked for', async () => {
    const req = http.request(fileUrl(rig, 'big.bin'), { method: 'PUT', headers: { 'content-length': 5000, expect: '100-continue' }, agent: false });
    let continued = false;
    req.on('continue', () => {
      continued = true;
    });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    res.resume();
    expect([res.statusCode, res.headers.connection, continued]).toEqual([413, 'close', false]);
    expect(await tree(rig.root)).toEqual([]);
    // Accepted uploads get their 100 Continue.
    const ok = http.request(fileUrl(rig, 'small.bin'), { method: 'PUT', headers: { 'content-length': 3, expect: '100-continue' }, agent: false });
    ok.on('continue', () => ok.end('abc'));
    const [okRes] = (await once(ok, 'response')) as [http.IncomingMessage];
    okRes.resume();
    expect(okRes.statusCode).toBe(201);
  });

  it('stops a chunked body once it passes the limit (413) and keeps nothing', async () => {
    const chunks = Array.from({ length: 10 }, () => randomBytes(400));
    const res = await request(fileUrl(rig, 'chunked.bin'), { method: 'PUT', body: chunks });
    expect([res.status, errorCode(res)]).toEqual([413, 'TOO_LARGE']);
    expect((await tree(rig.root)).filter((n) => n.includes('chunked') || n.startsWith('.'))).toEqual([]);
  });

  it('refuses to replace an existing file (409 ALREADY_EXISTS)', async () => {
    await fs.writeFile(path.join(rig.root, 'there.txt'), 'x');
    const res = await request(fileUrl(rig, 'there.txt'), { method: 'PUT', body: 'y' });
    expect([res.status, errorCode(res)]).toEqual([409, 'ALREADY_EXISTS']);
    expect(await fs.readFile(path.join(rig.root, 'there.txt'), 'utf8')).toBe('x');
  });
});

describe('resumable uploads', () => {
  let rig: HttpRig;
  beforeAll(async () => {
    rig = await startHttpRig();
  });
  afterEach(async () => {
    for (const name of await fs.readdir(rig.root)) await fs.rm(path.join(rig.root, name), { force: true, recursive: true });
  });
  afterAll(() => rig.close());

  it('an interrupted PUT leaves no visible file; HEAD /uploads tells the offset; Content-Range completes it', async () => {
    const whole = randomBytes(1_500_000);
    const cut = 600_000;
    const aborted = nextDoorEvent(rig.door, 'uploadAborted');
    await interruptedPut(rig, 'movie.bin', { 'content-length': whole.length }, whole.subarray(0, cut));
    const [info] = await aborted;
    expect(info).toEqual({ path: 'movie.bin', received: cut, kept: { path: 'movie.bin', offset: cut, total: whole.length } });

    expect((await request(rig.url('/api/files'))).json()).toEqual([]);
    expect((await request(fileUrl(rig, 'movie.bin'))).status).toBe(404);
    const head = await request(fileUrl(rig, 'movie.bin', '/uploads/'), { method: 'HEAD' });
    expect([head.status, head.headers['upload-offset'], head.headers['upload-length']]).toEqual([200, String(cut), String(whole.length)]);

    const wrong = await request(fileUrl(rig, 'movie.bin'), {
      method: 'PUT',
      body: whole.subarray(cut + 1),
      headers: { 'content-range': `bytes ${cut + 1}-${whole.length - 1}/${whole.length}` },
    });
    expect([wrong.status, errorCode(wrong), wrong.headers['upload-offset']]).toEqual([409, 'OFFSET_MISMATCH', String(cut)]);

    const done = await request(fileUrl(rig, 'movie.bin'), {
      method: 'PUT',
      body: whole.subarray(cut),
      headers: { 'content-range': `bytes ${cut}-${whole.length - 1}/${whole.length}` },
    });
    expect(done.status).toBe(201);
    expect(done.json()).toEqual({ path: 'movie.bin', size: whole.length, sha256: sha256(whole) });
    expect((await fs.readFile(path.join(rig.root, 'movie.bin'))).equals(whole)).toBe(true);
    expect((await request(fileUrl(rig, 'movie.bin', '/uploads/'), { method: 'HEAD' })).status).toBe(404);
    expect(await tree(rig.root)).toEqual(['movie.bin']);
  });

  it('a continuation with nothing kept is told to start at 0 (409)', async () => {
    const res = await request(fileUrl(rig, 'nothing.bin'), { method: 'PUT', body: 'abc', headers: { 'content-range': 'bytes 7-9/10' } });
    expect([res.status, res.headers['upload-offset']]).toEqual([409, '0']);
    expect((await request(fileUrl(rig, 'nothing.bin', '/uploads/'), { method: 'HEAD' })).status).toBe(404);
  });

  it('an interrupted continuation keeps the longer prefix, and can be continued again', async () => {
    const whole = randomBytes(900_000);
    let aborted = nextDoorEvent(rig.door, 'uploadAborted');
    await interruptedPut(rig, 'twice.bin', { 'content-length': whole.length }, whole.subarray(0, 100_000));
    await aborted;
    aborted = nextDoorEvent(rig.door, 'uploadAborted');
    await interruptedPut(
      rig,
      'twice.bin',
      { 'content-length': whole.length - 100_000, 'content-range': `bytes 100000-${whole.length - 1}/${whole.length}` },
      whole.subarray(100_000, 400_000),
      400_000,
    );
    expect((await aborted)[0].kept).toEqual({ path: 'twice.bin', offset: 400_000, total: whole.length });
    const done = await request(fileUrl(rig, 'twice.bin'), { method: 'PUT', body: whole.subarray(400_000), headers: { 'content-range': `bytes 400000-${whole.length - 1}/${whole.length}` } });
    expect([done.status, done.json<{ sha256: string }>().sha256]).toEqual([201, sha256(whole)]);
  });

  it('a client that stalls past the idle timeout is cut and its upload kept', async () => {
    const own = await startHttpRig({ idleTimeoutMs: 300 });
    try {
      const whole = randomBytes(50_000);
      const req = http.request(fileUrl(own, 'stalled.bin'), { method: 'PUT', headers: { 'content-length': whole.length }, agent: false });
      req.on('error', () => undefined);
      const aborted = nextDoorEvent(own.door, 'uploadAborted');
      req.write(whole.subarray(0, 20_000));
      const [info] = await aborted; // the server gives up on its own: the client never closes
      expect(info.kept).toEqual({ path: 'stalled.bin', offset: 20_000, total: whole.length });
      req.destroy();
    } finally {
      await own.close();
    }
  });

  it('accepts one part of a larger upload (202), then the rest (201)', async () => {
    const whole = randomBytes(10_000);
    const part = await request(fileUrl(rig, 'parts.bin'), { method: 'PUT', body: whole.subarray(0, 4000), headers: { 'content-range': `bytes 0-3999/${whole.length}` } });
    expect([part.status, part.headers['upload-offset']]).toEqual([202, '4000']);
    expect(part.json()).toEqual({ path: 'parts.bin', offset: 4000, total: whole.length });
    expect(await tree(rig.root)).toEqual([expect.stringMatching(/^\.netroom-partial-/u)]);
    const rest = await request(fileUrl(rig, 'parts.bin'), { method: 'PUT', body: whole.subarray(4000), headers: { 'content-range': `bytes 4000-9999/${whole.length}` } });
    expect([rest.status, rest.json<{ sha256: string }>().sha256]).toEqual([201, sha256(whole)]);
  });

  it('a chunked upload of unknown length that is interrupted keeps nothing (it could not be continued)', async () => {
    const req = http.request(fileUrl(rig, 'unknown.bin'), { method: 'PUT', agent: false });
    req.on('error', () => undefined);
    const aborted = nextDoorEvent(rig.door, 'uploadAborted');
    req.write(randomBytes(30_000));
    await waitForHiddenFile(rig.root, 30_000);
    req.destroy();
    expect((await aborted)[0].kept).toBeNull();
    expect(await tree(rig.root)).toEqual([]);
  });

  it('a fresh complete upload supersedes what was kept of an interrupted one', async () => {
    const aborted = nextDoorEvent(rig.door, 'uploadAborted');
    await interruptedPut(rig, 'again.bin', { 'content-length': 1000 }, randomBytes(300));
    await aborted;
    const res = await request(fileUrl(rig, 'again.bin'), { method: 'PUT', body: randomBytes(1000) });
    expect(res.status).toBe(201);
    expect(await tree(rig.root)).toEqual(['again.bin']);
  });
});
