// The thumbnailer's limits, on the core class over a real library: two makes at a time, a real decompression bomb refused by its pixel count, what a name says ignored.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../src/core/library.js';
import { NotAnImage, Thumbnailer } from '../src/core/thumbs/thumbnailer.js';
import { sniffImage } from '../src/core/thumbs/sniff.js';

let top: string;
let library: Library;

beforeEach(async () => {
  top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-thumbs-unit-'));
  library = new Library(path.join(top, 'files'));
  await library.init();
});
afterEach(async () => {
  await fs.rm(top, { recursive: true, force: true });
});

async function put(rel: string, data: Buffer): Promise<void> {
  await fs.writeFile(path.join(top, 'files', rel), data);
}

const solid = (width: number, height: number, format: 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff'): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } }).toFormat(format).toBuffer();

describe('Thumbnailer', () => {
  it('makes at most two at a time; the rest wait their turn and all finish', async () => {
    let running = 0;
    let most = 0;
    const thumbs = new Thumbnailer({
      dir: path.join(top, 'thumbs'),
      onStart: () => {
        running += 1;
        most = Math.max(most, running);
      },
      onMake: () => {
        running -= 1;
      },
    });
    const names = Array.from({ length: 7 }, (_, i) => `p${i}.jpg`);
    for (const name of names) await put(name, await solid(1500, 1000, 'jpeg'));
    const made = await Promise.all(names.map(async (name) => thumbs.get(await library.openFile(name))));
    expect(made).toHaveLength(7);
    expect(most).toBe(2);
    expect(running).toBe(0);
  });

  it('refuses a real decompression bomb (pixels past the limit) before decoding it, and remembers', async () => {
    let starts = 0;
    const thumbs = new Thumbnailer({ maxPixels: 1_000_000, onStart: () => (starts += 1) });
    // 4000 x 4000 of one colour: 48 MB of pixels in a file of a few hundred kilobytes.
    await put('bomb.png', await solid(4000, 4000, 'png'));
    expect((await fs.stat(path.join(top, 'files', 'bomb.png'))).size).toBeLessThan(480_000);
    await expect(thumbs.get(await library.openFile('bomb.png'))).rejects.toBeInstanceOf(NotAnImage);
    await expect(thumbs.get(await library.openFile('bomb.png'))).rejects.toThrow(/pixel/u);
    // The second refusal was remembered: nothing was handed to the decoder again.
    expect(starts).toBe(1);
  });

  it('every format it takes is told by its first bytes, never by the name', async () => {
    for (const format of ['png', 'jpeg', 'gif', 'webp', 'tiff'] as const) {
      expect(sniffImage(await solid(4, 4, format))).toBe(format);
    }
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('%PDF-1.4'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
    // A PNG named .txt is still an image; a text named .png is not.
    const thumbs = new Thumbnailer();
    await put('really-a-png.txt', await solid(50, 50, 'png'));
    expect((await sharp((await thumbs.get(await library.openFile('really-a-png.txt'))).data).metadata()).format).toBe('webp');
  });
});
