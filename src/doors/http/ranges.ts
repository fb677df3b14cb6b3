// Pure header logic for /files: Range and Content-Range, validators (ETag, dates), Content-Disposition.
import { NetroomError } from '../../core/errors.js';

/** A byte range [start, end], both inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What a Range header asks of a file of `size` bytes. */
export type RangeAnswer =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly range: ByteRange }
  | { readonly kind: 'unsatisfiable' };

const INTEGER = /^\d{1,16}$/u;

function bad(message: string): NetroomError {
  return new NetroomError('BAD_REQUEST', message);
}

/** A non-negative integer header value (Content-Length and the like), or BAD_REQUEST. */
export function parseCount(value: string, header: string): number {
  const trimmed = value.trim();
  if (!INTEGER.test(trimmed)) throw bad(`${header} must be a whole number of bytes`);
  const n = Number(trimmed);
  if (!Number.isSafeInteger(n)) throw bad(`${header} is too large`);
  return n;
}

/**
 * RFC 9110 14.2: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges are answered with the whole
 * file (allowed: a server may ignore Range); another unit is ignored; a malformed `bytes=` is a
 * BAD_REQUEST (this door validates headers strictly); a range past the end is unsatisfiable (416).
 */
export function parseRange(header: string, size: number): RangeAnswer {
  const match = /^\s*([A-Za-z]+)\s*=(.*)$/u.exec(header);
  if (match === null) throw bad('Range must look like bytes=START-END');
  if (match[1]?.toLowerCase() !== 'bytes') return { kind: 'whole' };
  const specs = (match[2] ?? '').split(',').map((s) => s.trim());
  if (specs.length === 0 || specs.some((s) => !/^(\d{1,16}-\d{0,16}|-\d{1,16})$/u.test(s))) {
    throw bad('Range must look like bytes=START-END, bytes=START- or bytes=-SUFFIX');
  }
  if (specs.length > 1) return { kind: 'whole' };
  const [first, last] = (specs[0] ?? '').split('-') as [string, string];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) throw bad('Range end is before its start');
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(end, size - 1) } };
}

/** A request's `Content-Range: bytes START-END/TOTAL` (continuing an upload). */
export interface UploadRange extends ByteRange {
  readonly total: number;
}

/** Parse and check a request's Content-Range: START <= END < TOTAL. Anything else is BAD_REQUEST. */
export function parseContentRange(header: string): UploadRange {
  const match = /^\s*bytes\s+(\d{1,16})-(\d{1,16})\/(\d{1,16})\s*$/u.exec(header);
  if (match === null) throw bad('Content-Range must look like bytes START-END/TOTAL');
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (![start, end, total].every(Number.isSafeInteger)) throw bad('Content-Range numbers are too large');
  if (end < start || end >= total) throw bad('Content-Range needs START <= END < TOTAL');
  return { start, end, total };
}

/** Strong ETag from size and mtime (in microseconds): an atomic replace always changes one of them in practice. */
export function etagOf(size: number, mtimeMs: number): string {
  return `"${Math.round(mtimeMs * 1000).toString(16)}-${size.toString(16)}"`;
}

/** The entity tags of an If-None-Match / If-Match list (`*` stays `*`); malformed ones are dropped. */
function tagsOf(header: string): string[] {
  return header.match(/\*|(?:W\/)?"[^"]*"/gu) ?? [];
}

/** RFC 9110 13.1.2: weak comparison (If-None-Match): true when any listed tag matches. */
export function noneMatchHits(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//u, '');
  return tagsOf(header).some((t) => t === '*' || t.replace(/^W\//u, '') === opaque);
}

/** RFC 9110 13.1.1: strong comparison (If-Match): true when any listed tag matches (or `*`). */
export function matchHits(header: string, etag: string): boolean {
  return tagsOf(header).some((t) => t === '*' || (!t.startsWith('W/') && t === etag));
}

/** An HTTP date (RFC 9110 5.6.7) in ms, or null when it is not one. */
export function parseHttpDate(value: string): number | null {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** True when a date validator says the file (modified at `mtimeMs`) is unchanged since `header`. */
export function unmodifiedSince(header: string, mtimeMs: number): boolean {
  const since = parseHttpDate(header);
  // HTTP dates have whole seconds; the file's mtime is finer.
  return since !== null && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/**
 * RFC 9110 13.1.5 If-Range: the Range applies only if the validator still matches: an entity tag
 * by strong comparison, or a date equal to Last-Modified.
 */
export function ifRangeHolds(header: string, etag: string, mtimeMs: number): boolean {
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return !value.startsWith('W/') && value === etag;
  const date = parseHttpDate(value);
  return date !== null && date === Math.floor(mtimeMs / 1000) * 1000;
}

/**
 * RFC 6266 with RFC 8187 (5987) encoding: an ASCII fallback in `filename` and the exact UTF-8 name
 * in `filename*`, so every browser saves the file under its real name.
 */
export function contentDisposition(name: string, inline: boolean): string {
  const fallback = name.replace(/[^\x20-\x7e]/gu, '_').replace(/["\\%]/gu, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  py: 'text/x-python; charset=utf-8',
  ts: 'text/plain; charset=utf-8',
  c: 'text/plain; charset=utf-8',
  h: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
  '7z': 'application/x-7z-compressed',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  wasm: 'application/wasm',
};

/** Content-Type from the file name's extension; application/octet-stream when unknown. */
export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}
