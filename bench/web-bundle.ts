// The web UI's first screen: the JavaScript and CSS that dist/web/index.html loads, gzipped as a server would send them (a figure, never asserted).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `vite build --config web/vite.config.ts` writes the UI (bench runs from dist/bench). */
export const WEB_DIST = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The first screen's files and their sizes in bytes. */
export interface BundleSize {
  readonly files: ReadonlyArray<{ readonly file: string; readonly raw: number; readonly gzip: number }>;
  readonly raw: number;
  readonly gzip: number;
}

/** Every script, module preload and stylesheet index.html names (what the first screen needs; lazy chunks are not counted). */
export async function firstScreenSize(dist = WEB_DIST): Promise<BundleSize> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const refs = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gu) ?? []) {
    const isScript = tag.startsWith('<script');
    const rel = /\brel="([^"]+)"/u.exec(tag)?.[1];
    if (!isScript && rel !== 'stylesheet' && rel !== 'modulepreload') continue;
    const ref = /\b(?:src|href)="([^"]+)"/u.exec(tag)?.[1];
    if (ref !== undefined && !/^(data:|https?:)/u.test(ref)) refs.add(ref.replace(/^\.?\//u, ''));
  }
  const files = await Promise.all(
    [...refs].map(async (file) => {
      const bytes = await readFile(join(dist, file));
      return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    }),
  );
  return { files, raw: files.reduce((n, f) => n + f.raw, 0), gzip: files.reduce((n, f) => n + f.gzip, 0) };
}

/** `NN.N KB gzip (JS a + CSS b) | NN KB raw`. */
export function bundleFigures(size: BundleSize): string {
  const kb = (n: number): string => (n / 1024).toFixed(1);
  const of = (ext: string): number => size.files.filter((f) => f.file.endsWith(ext)).reduce((n, f) => n + f.gzip, 0);
  return `${kb(size.gzip)} KB gzip (JS ${kb(of('.js'))} + CSS ${kb(of('.css'))}) | ${kb(size.raw)} KB raw | ${size.files.length} files`;
}
