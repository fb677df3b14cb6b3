// Kept thumbnails follow the library over real HTTP: a folder deleted (DELETE) or moved (MOVE) takes every thumbnail under it; an older cache layout is dropped at start.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../src/core/library.js';
import { ThumbCache } from '../src/core/thumbs/cache.js';
import { Thumbnailer } from '../src/core/thumbs/thumbnailer.js';
import { image, kept, put, startThumbRig, type ThumbRig } from './helpers/thumb-rig.js';

describe('kept thumbnails of a folder that goes', () => {
  let rig: ThumbRig;
  beforeEach(async () => {
    rig = await startThumbRig();
    // Two in the folder (one a level down) and one elsewhere that must stay.
    await put(rig, 'pics/a.png', await image(400, 300, 'png'));
    await put(rig, 'pics/deeper/b.jpg', await image(300, 400, 'jpeg'));
    await put(rig, 'pictures/c.png', await image(200, 200, 'png'));
    for (const rel of ['pics/a.png', 'pics/deeper/b.jpg', 'pictures/c.png']) expect((await rig.get(rel)).status).toBe(200);
    expect(await kept(rig.thumbs)).toHaveLength(3);
  });
  afterEach(async () => {
    await rig.close();
  });

  it('DELETE of the folder sweeps the thumbnails of files that went without a word (removed on disk)', async () => {
    // The library deletes only empty folders: the files went another way (by hand, on the disk), unannounced.
    await fs.rm(path.join(rig.root, 'pics', 'a.png'));
    await fs.rm(path.join(rig.root, 'pics', 'deeper'), { recursive: true });
    expect(await kept(rig.thumbs)).toHaveLength(3);
    const deleted = await rig.call('DELETE', '/files/pics');
    expect(deleted.status).toBeLessThan(300);
    await rig.forgotten('pics');
    const left = await kept(rig.thumbs);
    expect(left).toHaveLength(1);
    // The neighbour whose name starts the same is untouched, and still read back rather than made again.
    expect((await rig.get('pictures/c.png')).status).toBe(200);
    expect(rig.made.filter((rel) => rel === 'pictures/c.png')).toHaveLength(1);
    expect(await kept(rig.thumbs)).toEqual(left);
  });

  it('MOVE of the folder sweeps the thumbnails kept under its old path; the new path gets its own', async () => {
    expect((await rig.call('POST', '/api/folders?path=album')).status).toBeLessThan(300);
    const moved = await rig.call('MOVE', '/files/pics', { destination: '/files/album/pics-2024' });
    expect(moved.status).toBe(201);
    await rig.forgotten('pics');
    expect(await kept(rig.thumbs)).toHaveLength(1);
    // Under its new name a thumbnail is made again (and kept), the old name has none.
    expect((await rig.get('album/pics-2024/deeper/b.jpg')).status).toBe(200);
    expect(rig.made.at(-1)).toBe('album/pics-2024/deeper/b.jpg');
    expect(await kept(rig.thumbs)).toHaveLength(2);
    expect((await rig.get('pics/a.png')).status).toBe(404);
  });
});

describe('the thumbnail cache at start', () => {
  it('drops the files of an older layout and a crashed run, in the background, keeping the current one', async () => {
    const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-thumbs-layout-'));
    try {
      const library = new Library(path.join(top, 'files'));
      await library.init();
      await fs.writeFile(path.join(top, 'files', 'p.png'), await image(50, 50, 'png'));
      const dir = path.join(top, 'thumbs');
      // The first layout: DIR/ab/<40 hex>.w1-SIZE-MTIME.webp.
      await fs.mkdir(path.join(dir, 'ab'), { recursive: true });
      await fs.writeFile(path.join(dir, 'ab', `${'ab'.repeat(20)}.w1-10-20.webp`), 'old');
      await fs.mkdir(path.join(dir, 'trash', 'x1'), { recursive: true });
      await fs.writeFile(path.join(dir, 'trash', 'x1', 'left.webp'), 'left by a crash');
      const first = new Thumbnailer({ dir });
      await first.get(await library.openFile('p.png'));
      await first.idle();
      const now = await kept(dir);
      expect(now).toHaveLength(1);
      expect(now[0]?.startsWith(`v2${path.sep}`)).toBe(true);
      // The next start keeps it and reads it back.
      let makes = 0;
      const second = new Thumbnailer({ dir, onMake: () => (makes += 1) });
      await second.idle();
      await second.get(await library.openFile('p.png'));
      expect([makes, await kept(dir)]).toEqual([0, now]);
    } finally {
      await fs.rm(top, { recursive: true, force: true });
    }
  });

  it('does not keep a thumbnail finished after its file or a folder above it went (made while it was swept)', async () => {
    const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-thumbs-race-'));
    try {
      const cache = new ThumbCache(top);
      const mark = cache.mark();
      await cache.forgetFolder('a/b');
      await cache.forgetFile('c/gone.png');
      await cache.store('a/b/deep/x.png', 'w1-1-2.webp', Buffer.from('x'), mark);
      await cache.store('c/gone.png', 'w1-1-2.webp', Buffer.from('x'), mark);
      await cache.store('a/bee.png', 'w1-1-2.webp', Buffer.from('kept'), mark);
      await cache.store('c/other.png', 'w1-1-2.webp', Buffer.from('kept'), mark);
      await cache.idle();
      expect(await kept(top)).toHaveLength(2);
      expect((await cache.read('a/bee.png', 'w1-1-2.webp'))?.toString()).toBe('kept');
      expect(await cache.read('a/b/deep/x.png', 'w1-1-2.webp')).toBeNull();
    } finally {
      await fs.rm(top, { recursive: true, force: true });
    }
  });
});
