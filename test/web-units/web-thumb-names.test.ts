// Which names the web UI asks a thumbnail for: exactly the server's formats (no BMP, ICO or SVG), in the grid and in chat cards alike (node, no browser).
import { describe, expect, it } from 'vitest';
import { THUMB_EXTENSIONS } from '../../src/core/thumbs/formats.js';
import { cardKind } from '../../web/src/file-card.js';
import { hasThumbnail, thumbUrl } from '../../web/src/thumb-image.js';

describe('hasThumbnail', () => {
  it('is true for the formats the server sniffs, any case, and false for the rest', () => {
    const yes = ['a.png', 'b.JPG', 'c.jpeg', 'd.gif', 'e.webp', 'f.avif', 'g.tif', 'h.TIFF', 'i.jfif'];
    const no = ['a.bmp', 'b.ico', 'c.svg', 'd.heic', 'e.txt', 'png', '.png', 'f.png.txt'];
    expect(yes.filter((n) => !hasThumbnail(n))).toEqual([]);
    expect(no.filter((n) => hasThumbnail(n))).toEqual([]);
    // Every extension of the server's list is one the web asks for.
    for (const ext of Object.values(THUMB_EXTENSIONS).flat()) expect(hasThumbnail(`x.${ext}`)).toBe(true);
  });

  it('decides the chat card too: a BMP is not an image card; thumbnails are asked at thumbs/PATH', () => {
    expect(['p.png', 'q.bmp', 'r.svg', 's.tiff'].map((n) => cardKind(`dir/${n}`, 10))).toEqual(['image', 'other', 'other', 'image']);
    expect(thumbUrl('a b/#1.png')).toBe('thumbs/a%20b/%231.png');
  });
});
