// The image formats a thumbnail is made of and the names they go by: one list for the server and the web UI's guess from a name.

/** The formats a thumbnail is made from (SVG is left out: it is text, and the viewer shows it itself; BMP and ICO sharp cannot read). */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif';

/**
 * The file name extensions of each format. The server decides by a file's first bytes (sniff.ts),
 * never by its name; the web UI asks for a thumbnail only for these names, and shows an icon when
 * the server refuses anyway (a renamed text file).
 */
export const THUMB_EXTENSIONS: Readonly<Record<ImageFormat, readonly string[]>> = {
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  png: ['png'],
  gif: ['gif'],
  webp: ['webp'],
  tiff: ['tif', 'tiff'],
  avif: ['avif'],
};

const NAMES = new Set(Object.values(THUMB_EXTENSIONS).flat());

/** Whether a file by this name is worth asking a thumbnail of (its extension, case ignored, names a format above). */
export function hasThumbnailName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && NAMES.has(name.slice(dot + 1).toLowerCase());
}
