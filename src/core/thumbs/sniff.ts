// Which image format a file's first bytes say it is: only formats worth a thumbnail get as far as the decoder.
import type { FileHandle } from 'node:fs/promises';
import type { ImageFormat } from './formats.js';

export type { ImageFormat };

/** Bytes enough for every signature below. */
export const SNIFF_BYTES = 32;

const ascii = (bytes: Uint8Array, at: number, text: string): boolean => {
  for (let i = 0; i < text.length; i += 1) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/**
 * The format the signature at the start of `head` names, or null (a renamed text file, a PDF, an
 * SVG, nothing at all). The decoder is never handed anything else: a name says nothing about content.
 */
export function sniffImage(head: Uint8Array): ImageFormat | null {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head[0] === 0x89 && ascii(head, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp';
  if (ascii(head, 0, 'II*\0') || ascii(head, 0, 'MM\0*')) return 'tiff';
  // ISO BMFF (HEIF family): a `ftyp` box whose major brand is AVIF's.
  if (ascii(head, 4, 'ftyp') && (ascii(head, 8, 'avif') || ascii(head, 8, 'avis'))) return 'avif';
  return null;
}

/** The first bytes of an open file. */
export async function readHead(handle: FileHandle): Promise<Uint8Array> {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
  return buffer.subarray(0, bytesRead);
}
