// An HTTP door on a temp library with thumbnails kept in a temp folder, for the /thumbs tests: what was made, what was forgotten, what is kept.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { Chat } from '../../src/core/chat/chat.js';
import { Library } from '../../src/core/library.js';
import { HttpDoor } from '../../src/doors/http/door.js';
import { silentLogger } from '../../src/log.js';
import { request, type RawResponse } from './http.js';

/** The rig's administrator token (Authorization: Bearer of it may delete and move anything). */
export const THUMB_ADMIN_TOKEN = 'thumbs-admin-token-0123456789';

export interface ThumbRig {
  readonly top: string;
  readonly root: string;
  readonly thumbs: string;
  readonly library: Library;
  readonly port: number;
  /** Library paths of the thumbnails made (not those read back from the folder), in order. */
  readonly made: string[];
  get(rel: string, headers?: Record<string, string>): Promise<RawResponse>;
  /** A request signed as the administrator. */
  call(method: string, rawPath: string, headers?: Record<string, string>): Promise<RawResponse>;
  /** Resolves once the thumbnailer has forgotten `rel` (a file or folder deleted or moved away), now or before. */
  forgotten(rel: string): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP door on a temp library with thumbnails kept in a temp folder, counting the makes. */
export async function startThumbRig(): Promise<ThumbRig> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-thumbs-'));
  const root = path.join(top, 'files');
  const thumbs = path.join(top, 'data', 'thumbs');
  const library = new Library(root);
  await library.init();
  const made: string[] = [];
  const forgotten: string[] = [];
  const waiting: { rel: string; resolve: () => void }[] = [];
  const onForgotten = (rel: string): void => {
    forgotten.push(rel);
    for (const w of waiting.filter((x) => x.rel === rel)) w.resolve();
  };
  const door = new HttpDoor(
    { chat: new Chat({ flood: null }), library, lang: 'en', log: silentLogger() },
    { host: '127.0.0.1', port: 0, adminToken: THUMB_ADMIN_TOKEN, thumbs: { dir: thumbs, onMake: (rel) => made.push(rel), onForgotten } },
  );
  await door.listen();
  const port = door.address().port;
  return {
    top,
    root,
    thumbs,
    library,
    port,
    made,
    get: (rel, headers = {}) => request({ port, path: `/thumbs/${rel.split('/').map(encodeURIComponent).join('/')}` }, { headers }),
    call: (method, rawPath, headers = {}) => request({ port, path: rawPath }, { method, headers: { authorization: `Bearer ${THUMB_ADMIN_TOKEN}`, ...headers } }),
    forgotten: (rel) => (forgotten.includes(rel) ? Promise.resolve() : new Promise((resolve) => waiting.push({ rel, resolve }))),
    async close() {
      await door.close();
      await fs.rm(top, { recursive: true, force: true });
    },
  };
}

/** A real image made by sharp: a gradient-free solid colour is enough for sizes and formats. */
export function image(width: number, height: number, format: 'png' | 'jpeg', r = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r, g: 80, b: 40 } } })
    .toFormat(format)
    .toBuffer();
}

/** Write a file straight into the rig's library (no library event, as a file placed on disk). */
export async function put(rig: ThumbRig, rel: string, data: Buffer | string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(rig.root, rel)), { recursive: true });
  await fs.writeFile(path.join(rig.root, rel), data);
}

/** Every file kept anywhere under the thumbnails folder, relative to it. */
export async function kept(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** A PNG whose header claims `width` x `height` (CRC recomputed), over a small real image's data. */
export async function bombPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await image(8, 8, 'png'));
  // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4)...; the CRC covers type + 13 data bytes.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}
