// Thumbnails of library images (sharp): 320x320 WebP, made once per file version, kept on disk, at most two made at a time.
import sharp from 'sharp';
import type { OpenHandle } from '../library-types.js';
import { ThumbCache } from './cache.js';
import { readHead, sniffImage } from './sniff.js';

/** The box a thumbnail fits in, in CSS pixels. */
export const THUMB_SIZE = 320;
/** Part of every cache name and ETag: a change to how thumbnails are made changes this, and old ones are not served. */
const RECIPE = 'w1';

// libvips keeps decoded images and operations cached by default (tens of MB); thumbnails are made
// once and stored, so nothing is gained from it. One thread per image: at most two images at a time
// on a server that has other work to do.
sharp.cache(false);
sharp.concurrency(1);

/** A thumbnail could not be made from this file: not an image, a damaged one, or one too big to decode. */
export class NotAnImage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAnImage';
  }
}

/** Limits and where thumbnails are kept; everything has a default. */
export interface ThumbnailerOptions {
  /** The folder thumbnails are kept in (`DATA/thumbs`). Absent: made on every request, kept nowhere. */
  readonly dir?: string;
  /** Largest image decoded, in pixels (width x height): a decompression bomb is refused from its header. Default 50 MP. */
  readonly maxPixels?: number;
  /** Largest file read, in bytes. Default 100 MiB. */
  readonly maxInputBytes?: number;
  /** Longest a thumbnail may take to make. Default 20 s. */
  readonly timeoutMs?: number;
  /** Thumbnails made at once; the rest wait their turn. Default 2. */
  readonly concurrency?: number;
  /** Told when a make starts decoding (it has its turn): for tests and metrics. */
  readonly onStart?: (rel: string) => void;
  /** Told of every thumbnail made (not of those read from the folder): for tests and metrics. */
  readonly onMake?: (rel: string) => void;
  /** Told when the thumbnails of a deleted or moved-away file or folder are gone from the folder: for tests. */
  readonly onForgotten?: (rel: string) => void;
}

/** A thumbnail: WebP bytes and the validator of the file version it was made from. */
export interface Thumb {
  readonly data: Buffer;
  readonly etag: string;
}

/** The ETag of the thumbnail of a file version (known before the thumbnail is made or read). */
export function thumbEtag(size: number, mtime: number): string {
  return `"${RECIPE}-${size.toString(36)}-${mtime.toString(36)}"`;
}

/** A file version's name in the cache. */
function versionName(file: OpenHandle): string {
  return `${RECIPE}-${file.size}-${file.mtime}.webp`;
}

/** Thumbnails of the library's images: one job per file version, a bounded number at a time, kept in `dir`. */
export class Thumbnailer {
  private readonly maxPixels: number;
  private readonly maxInputBytes: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  /** Jobs in progress by file version: a second request for the same version waits for the first one's. */
  private readonly jobs = new Map<string, Promise<Thumb>>();
  /** Versions known to fail, so a bomb asked for again costs nothing (bounded; oldest forgotten first). */
  private readonly failures = new Map<string, NotAnImage>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** The thumbnails kept on disk (none without a folder). */
  private readonly cache: ThumbCache | null;

  constructor(private readonly options: ThumbnailerOptions = {}) {
    this.maxPixels = options.maxPixels ?? 50_000_000;
    this.maxInputBytes = options.maxInputBytes ?? 100 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.cache = options.dir === undefined ? null : new ThumbCache(options.dir);
  }

  /**
   * The thumbnail of an open file (the caller has checked it may be read; this closes the handle).
   * Rejects with NotAnImage for anything that is not an image it can read within the limits.
   */
  async get(file: OpenHandle): Promise<Thumb> {
    const key = `${file.rel}\0${file.size}\0${file.mtime}`;
    const known = this.failures.get(key);
    const shared = this.jobs.get(key);
    if (known !== undefined || shared !== undefined) {
      await file.handle.close();
      if (known !== undefined) throw known;
      return shared as Promise<Thumb>;
    }
    // Taken before the file is read: a sweep of it from here on means its thumbnail is not kept.
    const mark = this.cache?.mark() ?? 0;
    const data = (await this.cache?.read(file.rel, versionName(file))) ?? null;
    const started = this.jobs.get(key);
    if (data !== null || started !== undefined) {
      await file.handle.close();
      return data !== null ? { data, etag: thumbEtag(file.size, file.mtime) } : (started as Promise<Thumb>);
    }
    const job = this.make(file, key, mark).finally(() => this.jobs.delete(key));
    this.jobs.set(key, job);
    return job;
  }

  /**
   * Forget every kept thumbnail of the file `rel`, or of every file under the folder `rel` (it was
   * deleted or moved away). Resolves once they are gone from the folder; a request never waits for it.
   */
  async forget(rel: string, type: 'file' | 'dir' = 'file'): Promise<void> {
    if (this.cache !== null) await (type === 'dir' ? this.cache.forgetFolder(rel) : this.cache.forgetFile(rel));
    this.options.onForgotten?.(rel);
  }

  /** Resolves when the cache's background deletions asked for so far are done (for tests). */
  async idle(): Promise<void> {
    await this.cache?.idle();
  }

  private async make(file: OpenHandle, key: string, mark: number): Promise<Thumb> {
    await this.turn();
    try {
      if (file.size > this.maxInputBytes) throw new NotAnImage(`too large to make a thumbnail of (over ${this.maxInputBytes} bytes)`);
      const format = sniffImage(await readHead(file.handle));
      if (format === null) throw new NotAnImage(`not an image: ${file.rel}`);
      this.options.onStart?.(file.rel);
      const data = await this.render(file);
      this.options.onMake?.(file.rel);
      // A full disk costs a remake next time, nothing more.
      await this.cache?.store(file.rel, versionName(file), data, mark).catch(() => undefined);
      return { data, etag: thumbEtag(file.size, file.mtime) };
    } catch (err) {
      const refusal = err instanceof NotAnImage ? err : new NotAnImage(`cannot make a thumbnail of ${file.rel}: ${(err as Error).message}`);
      this.failures.set(key, refusal);
      if (this.failures.size > 1000) this.failures.delete(this.failures.keys().next().value as string);
      throw refusal;
    } finally {
      this.release();
      await file.handle.close();
    }
  }

  /** Decode (within the pixel limit and the time limit), orient by EXIF, fit the box, encode WebP. */
  private async render(file: OpenHandle): Promise<Buffer> {
    const image = sharp({
      limitInputPixels: this.maxPixels,
      // A truncated or corrupt file fails rather than being drawn half grey.
      failOn: 'warning',
      sequentialRead: true,
      animated: false,
      autoOrient: true,
    })
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 70, effort: 2 })
      .timeout({ seconds: Math.max(1, Math.ceil(this.timeoutMs / 1000)) });
    const input = file.handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 256 * 1024 });
    input.on('error', (err) => image.destroy(err));
    input.pipe(image);
    let timer: NodeJS.Timeout | undefined;
    // libvips' own timeout covers decoding; this one also covers a read that never ends.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NotAnImage('took too long to make a thumbnail of')), this.timeoutMs + 1000);
      timer.unref();
    });
    const made = image.toBuffer();
    try {
      return await Promise.race([made, late]);
    } finally {
      clearTimeout(timer);
      input.unpipe(image);
      input.destroy();
      // The decoder holds this job's turn until it has really stopped, so "two at a time" stays true.
      await made.catch(() => undefined);
    }
  }

  private async turn(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return;
    }
    // The slot is handed over by release() without being freed in between.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.running -= 1;
  }
}
