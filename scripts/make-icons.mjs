// Makes the web app's icons (web/public/): the SVG, PNGs at 192 and 512, a maskable 512 and Apple's 180; run once by hand, the files are committed.
import { Buffer } from 'node:buffer';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import sharp from 'sharp';

const OUT = fileURLToPath(new URL('../web/public/', import.meta.url));

// The favicon's "N" (a 32-unit grid) drawn on a 512-unit one.
const GLYPH = 'M144 352V160h51.2l121.6 120V160H368v192h-51.2L195.2 232V352z';
const GRADIENT =
  '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#2456c8"/><stop offset="1" stop-color="#3478dc"/></linearGradient></defs>';

/**
 * The icon. `maskable`: the background fills the square (the platform cuts its own shape) and the
 * glyph shrinks into the safe zone (the middle 80% circle); otherwise a rounded square.
 */
/** @param {boolean} maskable */
function svg(maskable) {
  const back = maskable ? '<rect width="512" height="512" fill="url(#g)"/>' : '<rect width="512" height="512" rx="112" fill="url(#g)"/>';
  const glyph = maskable ? `<path d="${GLYPH}" fill="#fff" transform="translate(256 256) scale(0.8) translate(-256 -256)"/>` : `<path d="${GLYPH}" fill="#fff"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${GRADIENT}${back}${glyph}</svg>\n`;
}

/**
 * @param {string} source
 * @param {number} size
 * @param {string} file
 */
async function png(source, size, file) {
  await sharp(Buffer.from(source), { density: 72 * (size / 512) * 2 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(join(OUT, file));
}

await mkdir(OUT, { recursive: true });
await writeFile(join(OUT, 'icon.svg'), svg(false));
await png(svg(false), 192, 'icon-192.png');
await png(svg(false), 512, 'icon-512.png');
await png(svg(true), 512, 'icon-maskable-512.png');
// iOS rounds the corners itself and shows no transparency: the full square.
await png(svg(true), 180, 'apple-touch-icon.png');
process.stdout.write(`icons written to ${OUT}\n`);
