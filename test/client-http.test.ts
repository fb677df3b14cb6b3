// The HTTP file client: URL rules, ranges, and downloads/uploads (resume, parallel, SHA-256) against a real server.
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadInterrupted, download, parseContentRange, partPath, splitRanges } from '../src/client/download.js';
import { HttpClient, HttpError, chatUrl, digestOf, parseLibraryUrl, parseServerUrl } from '../src/client/http.js';
import { upload } from '../src/client/upload.js';
import { eventually, makeFile, sha256, startNetroom, type NetroomRig } from './helpers/netroom.js';

describe('URLs', () => {
  it('reads the library path after host:port, with or without the /files/ prefix', () => {
    const plain = parseLibraryUrl('http://127.0.0.1:8080/a/b.txt');
    expect(plain.server.origin).toBe('http://127.0.0.1:8080');
    expect(plain).toMatchObject({ path: 'a/b.txt', folder: false });
    expect(parseLibraryUrl('http://127.0.0.1:8080/files/a/b.txt')).toMatchObject({ path: 'a/b.txt', folder: false });
    expect(parseLibraryUrl('http://h:1/files/files/x')).toMatchObject({ path: 'files/x' });
    expect(parseLibraryUrl('http://h:1/docs/')).toMatchObject({ path: 'docs', folder: true });
    expect(parseLibraryUrl('http://h:1')).toMatchObject({ path: '', folder: true });
    expect(parseLibraryUrl('http://h:1/files')).toMatchObject({ path: '', folder: true });
    expect(parseLibraryUrl('127.0.0.1:8080/x')).toMatchObject({ path: 'x' });
    expect(parseLibraryUrl('http://h:1/%E4%B8%AD%E6%96%87/report%202024.pdf')).toMatchObject({ path: '中文/report 2024.pdf' });
    expect(parseLibraryUrl('http://h:1/中文.txt')).toMatchObject({ path: '中文.txt' });
  });

  it('refuses what is not an http(s) file URL, with a one-line reason', () => {
    expect(() => parseLibraryUrl('ftp://h/x')).toThrow(/http:\/\/ or https:\/\//u);
    expect(() => parseLibraryUrl('http://h:1/x?y=1')).toThrow(/no \?query/u);
    expect(() => parseLibraryUrl('http://h:1/%E4%B8')).toThrow(/bad percent escape/u);
    expect(() => parseLibraryUrl('http://u:p@h:1/x')).toThrow(/passwords/u);
    expect(() => parseServerUrl('http://')).toThrow(/not a URL/u);
  });

  it('maps a server URL to its WebSocket chat endpoint', () => {
    expect(chatUrl(undefined).href).toBe('ws://127.0.0.1:8080/ws');
    expect(chatUrl('http://example.org:81/anything').href).toBe('ws://example.org:81/ws');
    expect(chatUrl('https://example.org').href).toBe('wss://example.org/ws');
    expect(chatUrl('localhost:9000').href).toBe('ws://localhost:9000/ws');
    expect(chatUrl('ws://h:1').href).toBe('ws://h:1/ws');
    expect(chatUrl('wss://h:1/custom').href).toBe('wss://h:1/custom');
  });
});

describe('ranges and digests', () => {
  it('splits a size into nearly equal inclusive ranges that cover it exactly', () => {
    expect(splitRanges(10, 4)).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 5 },
      { start: 6, end: 7 },
      { start: 8, end: 9 },
    ]);
    expect(splitRanges(3, 8)).toHaveLength(3);
    expect(splitRanges(0, 4)).toEqual([]);
    for (const [size, n] of [[1, 1], [1_000_003, 7], [65_536, 4], [5, 5]] as const) {
      const ranges = splitRanges(size, n);
      expect(ranges[0]?.start).toBe(0);
      expect(ranges.at(-1)?.end).toBe(size - 1);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.start).toBe((ranges[i - 1]?.end ?? -2) + 1);
    }
  });

  it('parses Content-Range and digest headers', () => {
    expect(parseContentRange('bytes 5-9/10')).toEqual({ start: 5, end: 9, size: 10 });
    expect(parseContentRange('bytes */10')).toEqual({ size: 10 });
    expect(parseContentRange('bytes 5-9/*')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
    const hex = sha256('abc');
    const b64 = Buffer.from(hex, 'hex').toString('base64');
    expect(digestOf({ 'repr-digest': `sha-512=:AAAA:, sha-256=:${b64}:` })).toBe(hex);
    expect(digestOf({ digest: `SHA-256=${b64}` })).toBe(hex);
    expect(digestOf({ digest: 'md5=xyz' })).toBeUndefined();
  });

  it('names the temp file of a download beside it, hidden', () => {
    expect(partPath('/tmp/x/a.bin')).toBe('/tmp/x/.a.bin.netroom-part');
  });
});

describe('against a real server', () => {
  let rig: NetroomRig;
  let client: HttpClient;
  beforeEach(async () => {
    rig = await startNetroom();
    // As the server's administrator: guests may not overwrite or remove, and these tests are about the client.
    client = new HttpClient(rig.base, { token: rig.adminToken });
  });
  afterEach(async () => {
    client.close();
    await rig.close();
  });

  it('lists, makes folders, stats and removes, with the server error codes', async () => {
    await client.mkdir('docs');
    await makeFile(rig.root, 'docs/a.txt', Buffer.from('hello'));
    expect((await client.list('')).map((e) => [e.name, e.type])).toEqual([['docs', 'dir']]);
    expect(await client.list('docs')).toMatchObject([{ name: 'a.txt', type: 'file', size: 5 }]);
    expect(await client.stat('docs/a.txt')).toMatchObject({ size: 5, ranges: true });
    const missing = await client.stat('nope.txt').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HttpError);
    expect(missing).toMatchObject({ status: 404 });
    const exists = await client.mkdir('docs').catch((e: unknown) => e);
    expect(exists).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    const outside = await client.list('../x').catch((e: unknown) => e);
    expect(outside).toMatchObject({ status: 403, code: 'OUTSIDE_ROOT' });
    await client.remove('docs/a.txt');
    await client.remove('docs');
    expect(await client.list('')).toEqual([]);
  });

  it('uploads and downloads byte-exact with matching SHA-256', async () => {
    const src = await makeFile(rig.local, 'big.bin', 3 * 1024 * 1024 + 17);
    const sent = await upload(client, src.file, 'big.bin');
    expect(sent).toMatchObject({ path: 'big.bin', size: src.data.length, sha256: src.sha256, created: true, resumedFrom: 0, attempts: 1 });
    const again = await upload(client, src.file, 'big.bin');
    expect(again.created).toBe(false);
    const dest = path.join(rig.local, 'copy.bin');
    const got = await download(client, 'big.bin', dest);
    expect(got).toMatchObject({ size: src.data.length, sha256: src.sha256, resumedFrom: 0, connections: 1 });
    expect(sha256(await fs.readFile(dest))).toBe(src.sha256);
    expect(await fs.readdir(rig.local)).toEqual(['big.bin', 'copy.bin']); // no temp file left
  });

  it('--parallel 4: four ranges over four connections into one file, byte-exact', async () => {
    const src = await makeFile(rig.root, 'p.bin', 4 * 1024 * 1024 + 3);
    const dest = path.join(rig.local, 'p.bin');
    const seen: number[] = [];
    const got = await download(client, 'p.bin', dest, { parallel: 4, onProgress: (bytes) => seen.push(bytes) });
    expect(got).toMatchObject({ size: src.data.length, sha256: src.sha256, connections: 4 });
    expect((await fs.readFile(dest)).equals(src.data)).toBe(true);
    expect(seen.at(-1)).toBe(src.data.length);
    const tiny = await makeFile(rig.root, 'one.txt', Buffer.from('x'));
    expect(await download(client, 'one.txt', path.join(rig.local, 'one.txt'), { parallel: 4 })).toMatchObject({ sha256: tiny.sha256, connections: 1 });
  });

  it('resumes a truncated local file with a Range request', async () => {
    const src = await makeFile(rig.root, 'r.bin', 1024 * 1024);
    const dest = path.join(rig.local, 'r.bin');
    await fs.writeFile(dest, src.data.subarray(0, 300_000));
    const got = await download(client, 'r.bin', dest, { resume: true });
    expect(got).toMatchObject({ resumedFrom: 300_000, size: src.data.length, sha256: src.sha256 });
    expect((await fs.readFile(dest)).equals(src.data)).toBe(true);
    // Already complete: nothing to fetch, same answer.
    expect(await download(client, 'r.bin', dest, { resume: true })).toMatchObject({ resumedFrom: src.data.length, sha256: src.sha256 });
    // A local file longer than the remote one is not a partial copy of it.
    await fs.writeFile(dest, Buffer.concat([src.data, Buffer.from('extra')]));
    await expect(download(client, 'r.bin', dest, { resume: true })).rejects.toMatchObject({ code: 'NOT_A_PREFIX' });
  });

  it('an interrupted download keeps its bytes, and resume picks them up', async () => {
    const src = await makeFile(rig.root, 'cut.bin', 8 * 1024 * 1024);
    const dest = path.join(rig.local, 'cut.bin');
    const controller = new AbortController();
    const err = await download(client, 'cut.bin', dest, {
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes >= 1024 * 1024) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadInterrupted);
    const kept = (await fs.stat(partPath(dest))).size;
    expect(kept).toBeGreaterThan(0);
    expect((err as DownloadInterrupted).message).toMatch(/--continue resumes/u);
    await expect(fs.stat(dest)).rejects.toMatchObject({ code: 'ENOENT' }); // never a partial file under the real name
    const got = await download(client, 'cut.bin', dest, { resume: true });
    expect(got).toMatchObject({ resumedFrom: kept, sha256: src.sha256 });
    expect((await fs.readFile(dest)).equals(src.data)).toBe(true);
  });

  it('resuming after the remote file changed fetches it whole (If-Range with the ETag first seen)', async () => {
    const before = await makeFile(rig.root, 'doc.bin', 4 * 1024 * 1024);
    const dest = path.join(rig.local, 'doc.bin');
    const controller = new AbortController();
    await download(client, 'doc.bin', dest, {
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes >= 512 * 1024) controller.abort();
      },
    }).catch(() => undefined);
    expect((await fs.stat(partPath(dest))).size).toBeGreaterThan(0);
    const after = await upload(client, (await makeFile(rig.local, 'new.bin', before.data.length)).file, 'doc.bin'); // same size, new bytes
    expect(after.sha256).not.toBe(before.sha256);
    const got = await download(client, 'doc.bin', dest, { resume: true });
    expect(got).toMatchObject({ resumedFrom: 0, sha256: after.sha256 });
    expect((await fs.readdir(rig.local)).sort()).toEqual(['doc.bin', 'new.bin']); // temp file and its tag gone
  });

  it('a failed download leaves nothing behind', async () => {
    const dest = path.join(rig.local, 'missing.bin');
    await expect(download(client, 'missing.bin', dest)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(download(client, 'missing.bin', dest, { parallel: 3 })).rejects.toMatchObject({ status: 404 });
    expect(await fs.readdir(rig.local)).toEqual([]);
  });

  it('an interrupted upload continues from the offset the server kept', async () => {
    const src = await makeFile(rig.local, 'up.bin', 16 * 1024 * 1024);
    const controller = new AbortController();
    const err = await upload(client, src.file, 'up.bin', {
      signal: controller.signal,
      retries: 0,
      onProgress: (bytes) => {
        if (bytes >= 4 * 1024 * 1024) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED' });
    const kept = await eventually('the server to keep the partial upload', async () => (await client.uploadOffset('up.bin')) ?? undefined);
    expect(kept.length).toBe(src.data.length);
    expect(kept.offset).toBeGreaterThan(0);
    await expect(fs.stat(path.join(rig.root, 'up.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    const sent = await upload(client, src.file, 'up.bin');
    expect(sent).toMatchObject({ resumedFrom: kept.offset, sha256: src.sha256, size: src.data.length, created: true });
    expect(sha256(await fs.readFile(path.join(rig.root, 'up.bin')))).toBe(src.sha256);
    expect(await client.uploadOffset('up.bin')).toBeNull();
  });

  it('a kept partial of another file of the same size is detected by SHA-256 and the file sent whole', async () => {
    const first = await makeFile(rig.local, 'v1.bin', 6 * 1024 * 1024);
    const controller = new AbortController();
    await upload(client, first.file, 'same.bin', {
      signal: controller.signal,
      retries: 0,
      onProgress: (bytes) => {
        if (bytes >= 2 * 1024 * 1024) controller.abort();
      },
    }).catch(() => undefined);
    await eventually('the partial upload', async () => (await client.uploadOffset('same.bin')) ?? undefined);
    const second = await makeFile(rig.local, 'v2.bin', first.data.length); // same size, other bytes
    const retries: string[] = [];
    const sent = await upload(client, second.file, 'same.bin', { onRetry: (reason) => retries.push(reason.code) });
    expect(retries).toEqual(['CHECKSUM']);
    expect(sent).toMatchObject({ sha256: second.sha256, resumedFrom: 0 });
    expect(sha256(await fs.readFile(path.join(rig.root, 'same.bin')))).toBe(second.sha256);
  });

  it('maps refusals to HttpError: no overwrite, bad paths, a missing local file', async () => {
    const src = await makeFile(rig.local, 'a.txt', Buffer.from('one'));
    await upload(client, src.file, 'a.txt');
    await expect(upload(client, src.file, 'a.txt', { noOverwrite: true })).rejects.toMatchObject({ status: 412, code: 'ALREADY_EXISTS' });
    await expect(upload(client, src.file, '.hidden')).rejects.toMatchObject({ status: 403, code: 'HIDDEN_PATH' });
    // Refused before the body was read: the client stops sending and the connection pool stays usable.
    const big = await makeFile(rig.local, 'big.bin', 32 * 1024 * 1024);
    await expect(upload(client, big.file, 'a.txt', { noOverwrite: true })).rejects.toMatchObject({ status: 412 });
    expect((await client.list('')).map((e) => e.name)).toEqual(['a.txt']);
    await expect(upload(client, path.join(rig.local, 'nope'), 'x')).rejects.toThrow(/cannot read .*nope: no such file/u);
    await expect(upload(client, rig.local, 'x')).rejects.toThrow(/not a regular file/u);
  });
});

describe('against servers that behave differently', () => {
  let server: http.Server;
  let base: string;
  const body = Buffer.from('0123456789abcdefghij');
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeEach(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a server without ranges: resume starts over, parallel uses one connection', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-length': body.length }).end(_req.method === 'HEAD' ? undefined : body);
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'netroom-client-'));
    const client = new HttpClient(base);
    try {
      const dest = path.join(dir, 'f');
      await fs.writeFile(dest, 'XXXXX'); // a "prefix" the server cannot continue
      expect(await download(client, 'f', dest, { resume: true })).toMatchObject({ resumedFrom: 0, sha256: sha256(body) });
      expect(await fs.readFile(dest)).toEqual(body);
      expect(await download(client, 'f', dest, { parallel: 4 })).toMatchObject({ connections: 1, sha256: sha256(body) });
    } finally {
      client.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("checks the server's SHA-256 digest when it sends one", async () => {
    let digest = Buffer.from(sha256(body), 'hex').toString('base64');
    handler = (_req, res) => res.writeHead(200, { 'content-length': body.length, 'repr-digest': `sha-256=:${digest}:` }).end(body);
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'netroom-client-'));
    const client = new HttpClient(base);
    try {
      expect(await download(client, 'f', path.join(dir, 'ok'))).toMatchObject({ verified: true });
      digest = Buffer.from(sha256('other'), 'hex').toString('base64');
      await expect(download(client, 'f', path.join(dir, 'bad'))).rejects.toMatchObject({ code: 'CHECKSUM' });
      expect(await fs.readdir(dir)).toEqual(['ok']);
    } finally {
      client.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('retries an upload cut by the network, going on from the offset the server reports', async () => {
    const received: Buffer[] = [];
    let puts = 0;
    handler = (req, res) => {
      if (req.method === 'HEAD') {
        const have = Buffer.concat(received).length;
        if (have === 0) res.writeHead(404).end();
        else res.writeHead(200, { 'upload-offset': have, 'upload-length': 20 }).end();
        return;
      }
      puts += 1;
      req.on('data', (chunk: Buffer) => received.push(chunk));
      if (puts === 1) {
        // The first attempt: take 5 bytes, then the connection dies.
        req.once('data', () => {
          received.splice(0, received.length, body.subarray(0, 5));
          req.socket.destroy();
        });
        return;
      }
      req.on('end', () => {
        const all = Buffer.concat(received);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ path: 'f', size: all.length, sha256: sha256(all) }));
      });
    };
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'netroom-client-'));
    const client = new HttpClient(base);
    try {
      const file = path.join(dir, 'f');
      await fs.writeFile(file, body);
      const reasons: Array<[string, number]> = [];
      const sent = await upload(client, file, 'f', { retryDelayMs: 1, onRetry: (r, offset) => reasons.push([r.code, offset]) });
      expect(sent).toMatchObject({ resumedFrom: 5, attempts: 2, sha256: sha256(body) });
      expect(reasons).toHaveLength(1);
      expect(Buffer.concat(received)).toEqual(body);
    } finally {
      client.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a refused connection in one line, and an error body that is not JSON', async () => {
    handler = (_req, res) => res.writeHead(502).end('bad gateway\nmore');
    const client = new HttpClient(base);
    try {
      await expect(client.list('')).rejects.toThrow(/^HTTP 502 Bad Gateway: bad gateway$/u);
    } finally {
      client.close();
    }
    const gone = new HttpClient('http://127.0.0.1:1');
    await expect(gone.list('')).rejects.toThrow(/cannot talk to 127\.0\.0\.1:1: connection refused/u);
    gone.close();
  });
});
