// GET /thumbs/PATH over real HTTP: WebP within 320x320, made once per file version and kept, refusals (not an image, truncated, bomb, missing, `..`), read permission.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAccessServer } from './helpers/access-server.js';
import { errorCode, request } from './helpers/http.js';
import { bombPng, image, kept, put, startThumbRig, type ThumbRig } from './helpers/thumb-rig.js';

describe('GET /thumbs/PATH', () => {
  let rig: ThumbRig;
  beforeEach(async () => {
    rig = await startThumbRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('is a WebP within 320x320 keeping the aspect, made once and then read back from the folder', async () => {
    await put(rig, 'pics/wide photo.png', await image(1000, 600, 'png'));
    const first = await rig.get('pics/wide photo.png');
    expect([first.status, first.headers['content-type']]).toEqual([200, 'image/webp']);
    const meta = await sharp(first.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 192]);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.etag).toMatch(/^"[^"]+"$/);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(rig.made).toEqual(['pics/wide photo.png']);
    expect(await kept(rig.thumbs)).toHaveLength(1);

    const second = await rig.get('pics/wide photo.png');
    expect([second.status, second.headers.etag]).toEqual([200, first.headers.etag]);
    expect(second.body.equals(first.body)).toBe(true);
    expect(rig.made).toHaveLength(1);

    // The browser's revalidation: a 304 without a body.
    const again = await rig.get('pics/wide photo.png', { 'if-none-match': String(first.headers.etag) });
    expect([again.status, again.body.length]).toEqual([304, 0]);
    expect(rig.made).toHaveLength(1);
  });

  it('a small image is not enlarged; a tall JPEG fits the box by its height', async () => {
    await put(rig, 'small.png', await image(40, 30, 'png'));
    await put(rig, 'tall.jpg', await image(500, 2000, 'jpeg'));
    const small = await sharp((await rig.get('small.png')).body).metadata();
    const tall = await sharp((await rig.get('tall.jpg')).body).metadata();
    expect([small.width, small.height, tall.width, tall.height]).toEqual([40, 30, 80, 320]);
  });

  it('requests arriving together for one file share one make', async () => {
    await put(rig, 'crowd.jpg', await image(1600, 1200, 'jpeg'));
    const answers = await Promise.all(Array.from({ length: 6 }, () => rig.get('crowd.jpg')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.every((a) => a.body.equals(answers[0]?.body ?? Buffer.alloc(0)))).toBe(true);
    expect(rig.made).toEqual(['crowd.jpg']);
  });

  it('a changed file gets a new thumbnail, and the old one is no longer kept', async () => {
    await put(rig, 'c.png', await image(640, 640, 'png'));
    const before = await rig.get('c.png');
    await put(rig, 'c.png', await image(640, 320, 'png', 10));
    // Another size and another second: a new version whatever the filesystem's timestamp resolution.
    await fs.utimes(path.join(rig.root, 'c.png'), new Date(), new Date(Date.now() + 5000));
    const after = await rig.get('c.png');
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const meta = await sharp(after.body).metadata();
    expect([meta.width, meta.height]).toEqual([320, 160]);
    expect(rig.made).toEqual(['c.png', 'c.png']);
    expect(await kept(rig.thumbs)).toHaveLength(1);
    // The old validator no longer matches: the browser is given the new thumbnail.
    expect((await rig.get('c.png', { 'if-none-match': String(before.headers.etag) })).status).toBe(200);
  });

  it('a deleted file takes its thumbnail with it', async () => {
    await put(rig, 'gone.png', await image(100, 100, 'png'));
    expect((await rig.get('gone.png')).status).toBe(200);
    expect(await kept(rig.thumbs)).toHaveLength(1);
    await rig.library.remove('gone.png');
    await expect.poll(() => kept(rig.thumbs)).toEqual([]);
    const missing = await rig.get('gone.png');
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses what is not an image it can read: renamed text, truncated PNG, a decompression bomb, SVG', async () => {
    await put(rig, 'notes.png', 'just some text, not a picture\n'.repeat(20));
    const png = await image(900, 900, 'png');
    await put(rig, 'cut.png', png.subarray(0, Math.floor(png.length / 2)));
    await put(rig, 'bomb.png', await bombPng(100_000, 100_000));
    await put(rig, 'drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    for (const rel of ['notes.png', 'cut.png', 'bomb.png', 'drawing.svg']) {
      const res = await rig.get(rel);
      expect([rel, res.status, errorCode(res)]).toEqual([rel, 415, 'NOT_AN_IMAGE']);
      // Asked again: refused again (remembered, not decoded a second time).
      expect((await rig.get(rel)).status).toBe(415);
    }
    expect(rig.made).toEqual([]);
    expect(await kept(rig.thumbs)).toEqual([]);
    // The server is still well: a good image right after.
    await put(rig, 'ok.png', await image(50, 50, 'png'));
    expect((await rig.get('ok.png')).status).toBe(200);
  });

  it('missing files, folders, `..` and hidden paths are refused as downloads are', async () => {
    await put(rig, 'dir/a.png', await image(10, 10, 'png'));
    const missing = await rig.get('nope.png');
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    const folder = await rig.get('dir');
    expect([folder.status, errorCode(folder)]).toEqual([400, 'NOT_A_FILE']);
    for (const raw of ['/thumbs/dir/%2e%2e/%2e%2e/etc/passwd', '/thumbs/..%2f..%2fetc%2fpasswd', '/thumbs/.netroom/x.png']) {
      const res = await request({ port: rig.port, path: raw });
      const files = await request({ port: rig.port, path: raw.replace('/thumbs/', '/files/') });
      expect([raw, res.status, errorCode(res)]).toEqual([raw, files.status, errorCode(files)]);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('GET /thumbs/PATH in the whole server', () => {
  it('asks what a download asks (--guests off: anonymous refused, a member served) and keeps thumbnails in DATA/thumbs', async () => {
    const srv = await startAccessServer({ guests: 'off' });
    try {
      await srv.access.accounts.add('alice', 'correct horse battery', 'member');
      const token = srv.access.credentials.create('alice', 'token', 'thumbs test').secret;
      await fs.writeFile(path.join(srv.root, 'a.png'), await image(400, 400, 'png'));
      const download = await srv.call('GET', '/files/a.png');
      const thumb = await srv.call('GET', '/thumbs/a.png');
      expect(download.status).toBeGreaterThanOrEqual(400);
      expect([thumb.status, errorCode(thumb)]).toEqual([download.status, errorCode(download)]);
      const ok = await srv.call('GET', '/thumbs/a.png', { headers: { authorization: `Bearer ${token}` } });
      expect([ok.status, ok.headers['content-type']]).toEqual([200, 'image/webp']);
      expect(await kept(path.join(srv.data, 'thumbs'))).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });
});
