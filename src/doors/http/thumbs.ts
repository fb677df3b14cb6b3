// GET /thumbs/PATH: a library image's thumbnail (WebP, within 320x320), with the read permission of GET /files/PATH.
import type { FastifyInstance } from 'fastify';
import type { Library } from '../../core/library.js';
import { NotAnImage, Thumbnailer, thumbEtag, type ThumbnailerOptions } from '../../core/thumbs/thumbnailer.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { filePath, header, httpSource } from './files.js';
import { noneMatchHits } from './ranges.js';

/**
 * Register `GET /thumbs/PATH`. The file is opened as a download would be (same permission, same
 * path checks: 404 NOT_FOUND, 403 for hidden or outside paths); anything that is not an image the
 * thumbnailer can read within its limits is 415 NOT_AN_IMAGE. The ETag names the file version, so
 * a browser revalidating a thumbnail it has costs a stat and a 304. Returns what the door calls on close.
 */
export function thumbRoutes(app: FastifyInstance, shared: HttpShared, options: ThumbnailerOptions): () => void {
  const { library } = shared.ctx;
  const thumbs = new Thumbnailer(options);
  const unsubscribe = forgetOnChange(library, thumbs);
  app.get('/thumbs/*', async (request, reply) => {
    const file = await library.openFile(filePath(request), httpSource(request));
    const etag = thumbEtag(file.size, file.mtime);
    reply.headers({
      etag,
      // private: what one may see depends on who asks. no-cache: kept, but asked again each time (a 304 when unchanged).
      'cache-control': 'private, no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
    });
    const ifNoneMatch = header(request, 'if-none-match');
    if (ifNoneMatch !== undefined && noneMatchHits(ifNoneMatch, etag)) {
      await file.handle.close();
      return reply.code(304).send();
    }
    let data: Buffer;
    try {
      ({ data } = await shared.track(thumbs.get(file)));
    } catch (err) {
      if (err instanceof NotAnImage) throw new HttpError(415, 'NOT_AN_IMAGE', err.message);
      throw err;
    }
    return reply.header('content-type', 'image/webp').header('content-length', String(data.length)).send(data);
  });
  return unsubscribe;
}

/**
 * A deleted or moved-away file's thumbnails go with it, and a deleted or moved folder's take every
 * thumbnail under it (from any door, or another node); a changed file's are replaced when next
 * asked for. The work runs after the change, never inside a request.
 */
function forgetOnChange(library: Library, thumbs: Thumbnailer): () => void {
  return library.subscribe((change) => {
    if (change.kind === 'delete') void thumbs.forget(change.path, change.type).catch(() => undefined);
    else if (change.kind === 'rename') void thumbs.forget(change.from, change.type).catch(() => undefined);
  });
}
