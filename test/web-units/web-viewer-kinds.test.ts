// The viewer's choice of how to show a file by its name, and the order of a folder's images (node, no browser).
import { describe, expect, it } from 'vitest';
import { imagesOf, stepImage, viewKind } from '../../web/src/viewer-kinds.js';

describe('viewKind', () => {
  it('by extension, any case', () => {
    const kinds = Object.fromEntries(
      ['a.PNG', 'b.jpeg', 'c.svg', 'd.pdf', 'e.mp3', 'f.webm', 'g.md', 'h.ts', 'i.html', 'j.json', 'k.bin', 'l.zip', 'm.docx'].map((n) => [n, viewKind(n)]),
    );
    expect(kinds).toEqual({
      'a.PNG': 'image',
      'b.jpeg': 'image',
      'c.svg': 'image',
      'd.pdf': 'pdf',
      'e.mp3': 'audio',
      'f.webm': 'video',
      'g.md': 'markdown',
      'h.ts': 'text',
      'i.html': 'text',
      'j.json': 'text',
      'k.bin': 'other',
      'l.zip': 'other',
      'm.docx': 'other',
    });
  });

  it('text by name alone: README, LICENSE, Makefile; other names without an extension are not', () => {
    expect(['README', 'LICENSE', 'Makefile', 'Dockerfile', 'readme.unknown', 'notes'].map(viewKind)).toEqual(['text', 'text', 'text', 'text', 'text', 'other']);
  });
});

describe('imagesOf and stepImage', () => {
  const entries = [
    { name: 'img10.png', type: 'file' },
    { name: 'img2.png', type: 'file' },
    { name: 'Img1.JPG', type: 'file' },
    { name: 'notes.txt', type: 'file' },
    { name: 'pics.png', type: 'dir' },
  ];

  it('the folder\'s image files in reading order (numbers as numbers, any case), folders and others left out', () => {
    expect(imagesOf(entries)).toEqual(['Img1.JPG', 'img2.png', 'img10.png']);
  });

  it('steps go round at the ends; nowhere to go with one image or an unknown name', () => {
    const images = imagesOf(entries);
    expect([stepImage(images, 'img10.png', 1), stepImage(images, 'Img1.JPG', -1), stepImage(images, 'img2.png', 1)]).toEqual(['Img1.JPG', 'img10.png', 'img10.png']);
    expect(stepImage(['only.png'], 'only.png', 1)).toBeNull();
    expect(stepImage(images, 'notes.txt', 1)).toBeNull();
  });
});
