// GET /api/zip?path=A&path=B: files and whole folders as one streamed zip (yazl), planned and refused before its first byte.
import * as fs from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import type { ReadStream } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ZipFile } from 'yazl';
import { NetroomError, isNetroomError } from '../../core/errors.js';
import type { ChangeSource } from '../../core/library-events.js';
import { checkPath } from '../../core/library-paths.js';
import type { Library } from '../../core/library.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { httpSource } from './files.js';
import { contentDisposition } from './ranges.js';

/** How big a zip may get; a selection past either limit is refused (413) before anything is sent. */
export interface ZipLimits {
  /** Files and folders in one zip. */
  readonly maxEntries: number;
  /** Bytes of file content in one zip (before compression). */
  readonly maxBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxBytes: 16 * 1024 ** 3 };

/** How many `path` parameters one request may give (each is walked; the URL bounds it too). */
const MAX_PATHS = 1000;

/** One entry of a planned zip: its library path and its name inside the zip. */
interface Planned {
  readonly kind: 'file' | 'dir';
  readonly rel: string;
  readonly name: string;
  readonly mtime: number;
}

/** What a zip will hold, and what it is called. */
export interface ZipPlan {
  readonly entries: readonly Planned[];
  readonly filename: string;
}

/** The `path` parameters, checked (`..`, hidden names, absolute paths refused by checkPath), duplicates dropped. */
export function zipPaths(request: FastifyRequest): string[] {
  const raw = (request.query as Record<string, unknown>)['path'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new NetroomError('BAD_REQUEST', 'name what to zip: /api/zip?path=A&path=B (a folder is taken whole)');
  if (list.length > MAX_PATHS) throw new NetroomError('BAD_REQUEST', `at most ${MAX_PATHS} paths in one zip`);
  if (!list.every((p): p is string => typeof p === 'string')) throw new NetroomError('BAD_REQUEST', 'every path must be text');
  return [...new Set(list.map((p) => checkPath(p)))];
}

/** The deepest folder holding every path ('' is the root); names in the zip are relative to it. */
export function commonParent(paths: readonly string[]): string {
  const parents = paths.map((p) => (p === '' ? [] : p.split('/').slice(0, -1)));
  const first = parents[0] ?? [];
  let depth = first.length;
  for (const parts of parents) {
    let i = 0;
    while (i < depth && parts[i] === first[i]) i++;
    depth = i;
  }
  return first.slice(0, depth).join('/');
}

/**
 * Walk the selection as `by` (list and download permission, as for downloads): every visible file
 * and folder under each path, through the library's listings, so hidden and meta names and links
 * out of the library never appear. A folder reached twice (a link inside the library to a folder
 * already walked) is walked once. A folder that vanishes during the walk is skipped.
 */
export async function planZip(library: Library, paths: readonly string[], by: ChangeSource, limits: ZipLimits): Promise<ZipPlan> {
  const base = commonParent(paths);
  const nameOf = (rel: string): string => (base === '' ? rel : rel.slice(base.length + 1));
  const entries: Planned[] = [];
  const seen = new Set<string>();
  const walked = new Set<string>();
  let bytes = 0;
  const add = (entry: Planned, size: number): void => {
    if (seen.has(entry.rel)) return; // a path inside another one asked for
    seen.add(entry.rel);
    entries.push(entry);
    bytes += size;
    if (entries.length > limits.maxEntries) throw new HttpError(413, 'TOO_LARGE', `more than ${limits.maxEntries} files and folders: zip fewer at a time`);
    if (bytes > limits.maxBytes) throw new HttpError(413, 'TOO_LARGE', `more than ${limits.maxBytes} bytes: zip fewer at a time`);
  };
  const walk = async (dir: string): Promise<void> => {
    const real = await fs.realpath((await library.resolve(dir)).abs).catch(() => null);
    if (real === null || walked.has(real)) return;
    walked.add(real);
    let list;
    try {
      list = await library.list(dir, by);
    } catch (err) {
      if (isNetroomError(err) && err.code === 'NOT_FOUND') return; // gone since its parent was listed
      throw err;
    }
    for (const entry of list) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      add({ kind: entry.type, rel, name: nameOf(rel), mtime: entry.mtime }, entry.size);
      if (entry.type === 'dir') await walk(rel);
    }
  };
  for (const rel of paths) {
    await library.rights.check(by, 'download', rel);
    const entry = await library.stat(rel, by); // NOT_FOUND, OUTSIDE_ROOT...: the whole request is refused
    if (rel !== '') add({ kind: entry.type, rel, name: nameOf(rel), mtime: entry.mtime }, entry.type === 'file' ? entry.size : 0);
    if (entry.type === 'dir') await walk(rel);
  }
  const only = paths.length === 1 ? paths[0] : undefined;
  const folder = only !== undefined && only !== '' && entries[0]?.kind === 'dir' ? path.posix.basename(only) : null;
  return { entries, filename: folder === null ? 'netroom-files.zip' : `${folder}.zip` };
}

/** Register GET /api/zip. */
export function zipRoutes(app: FastifyInstance, shared: HttpShared, limits: ZipLimits = DEFAULT_ZIP_LIMITS): void {
  const { library } = shared.ctx;
  app.get('/api/zip', async (request, reply) => {
    const by = httpSource(request);
    const plan = await planZip(library, zipPaths(request), by, limits);
    // Everything that can be refused was refused above: from here on the answer is a zip.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-disposition': contentDisposition(plan.filename, false),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    } satisfies OutgoingHttpHeaders);
    // A client that stops reading must not hold a file open forever.
    request.raw.socket.setTimeout(shared.limits.idleTimeoutMs);
    await shared.track(streamZip(library, plan, by, res, shared));
    return reply;
  });
}

/**
 * Feed the planned entries to yazl one file at a time (one file handle open at most) while the
 * zip streams out. A file gone or changed into something else since the plan is skipped. When
 * the client goes, the current file is closed and nothing more is read.
 */
async function streamZip(library: Library, plan: ZipPlan, by: ChangeSource, res: NodeJS.WritableStream & { destroy(): void; writableFinished: boolean }, shared: HttpShared): Promise<void> {
  const zip = new ZipFile();
  let current: ReadStream | null = null;
  let gone = false;
  const stop = (): void => {
    gone = true;
    current?.destroy();
  };
  res.on('close', () => {
    if (!res.writableFinished) stop();
  });
  const out = zip.outputStream;
  out.on('error', () => res.destroy());
  zip.on('error', (err: unknown) => {
    shared.log.warn({ err }, 'zip stream failed');
    stop();
    res.destroy();
  });
  out.pipe(res);
  for (const entry of plan.entries) {
    if (gone) break;
    if (entry.kind === 'dir') {
      zip.addEmptyDirectory(entry.name, { mtime: new Date(entry.mtime) });
      continue;
    }
    let opened;
    try {
      opened = await library.openRead(entry.rel, {}, by);
    } catch {
      continue; // vanished (or no longer a file) since the walk: left out
    }
    if (gone) {
      opened.stream.destroy();
      break;
    }
    const stream = opened.stream;
    current = stream;
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    zip.addReadStream(stream, entry.name, { mtime: new Date(opened.mtime) });
    await closed; // read to its end by yazl (or destroyed): the next file may open
    current = null;
  }
  if (gone) {
    out.unpipe(res);
    return;
  }
  const finished = new Promise<void>((resolve) => {
    res.once('close', () => resolve());
    res.once('finish', () => resolve());
  });
  zip.end();
  await finished;
}
