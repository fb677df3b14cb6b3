// File routes: JSON listing, folder creation, GET/HEAD downloads with ranges and validators, DELETE.
import type { OutgoingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NetroomError } from '../../core/errors.js';
import type { ChangeSource } from '../../core/library-events.js';
import { changeSource } from '../change-source.js';
import { sendRange } from '../send-file.js';
import { authOf } from './auth-hook.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import {
  contentDisposition,
  contentTypeOf,
  etagOf,
  ifRangeHolds,
  matchHits,
  noneMatchHits,
  parseHttpDate,
  parseRange,
  unmodifiedSince,
  type ByteRange,
} from './ranges.js';
import { answerFolderPage } from './web.js';

/** The library path of `/files/PATH` (the router has percent-decoded it). */
export function filePath(request: FastifyRequest): string {
  return (request.params as Record<string, string | undefined>)['*'] ?? '';
}

/** A single query parameter as text ('' when absent); a repeated one is a BAD_REQUEST. */
export function queryParam(request: FastifyRequest, name: string): string {
  const value = (request.query as Record<string, unknown>)[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new NetroomError('BAD_REQUEST', `give ${name} once, as text`);
  return value;
}

/** A request header as one string, or undefined. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Who changes (or reads) the library through this request: the client's address and the actor the
 * auth hook resolved (the signed-in account, SYSTEM for the admin token, or a guest by the name of
 * the guest member it claims with X-Netroom-Name). The Library applies the permission table to it.
 */
export function httpSource(request: FastifyRequest): ChangeSource {
  const { actor } = authOf(request);
  return changeSource('http', request.socket.remoteAddress, actorName(request), actor);
}

/** The name file notices and logs give the request's client: the account, the guest's member name, or undefined. */
export function actorName(request: FastifyRequest): string | undefined {
  const { name } = authOf(request).actor;
  return name === '' ? undefined : name;
}

/** Register the file routes. */
export function fileRoutes(app: FastifyInstance, shared: HttpShared): void {
  const { library } = shared.ctx;

  app.get('/api/files', async (request) => {
    const dir = queryParam(request, 'path');
    const entries = await library.list(dir, httpSource(request));
    // `?owners=1`: who made each entry and when, from the owner book (a read per entry, so only when asked).
    if (!['1', 'true', 'yes'].includes(queryParam(request, 'owners'))) return entries;
    const owners = await library.ownerRecords(dir, entries.map((e) => e.name), httpSource(request));
    return entries.map((e) => ({ ...e, owner: owners.get(e.name) ?? null }));
  });

  app.post('/api/folders', async (request, reply) => {
    let dir = queryParam(request, 'path');
    const body = request.body as { path?: unknown } | undefined;
    if (dir === '' && typeof body?.path === 'string') dir = body.path;
    if (dir === '') throw new NetroomError('BAD_REQUEST', 'give the folder as ?path=DIR');
    // Logged once, with who and from where, by the server's library subscription.
    const { rel } = await library.mkdir(dir, httpSource(request));
    return reply.code(201).send({ path: rel });
  });

  app.delete('/files/*', async (request, reply) => {
    await library.remove(filePath(request), httpSource(request));
    return reply.code(204).send();
  });

  app.head('/files/*', async (request, reply) => {
    // Headers only: a stat, no open (HEAD is how clients learn the size before a parallel GET).
    const entry = await library.stat(filePath(request), httpSource(request));
    if (entry.type === 'dir') throw new NetroomError('NOT_A_FILE', `is a folder, not a file: ${filePath(request)}`);
    const answer = decide(request, reply, entry.size, entry.mtime);
    if (answer.kind === 'partial') reply.header('content-length', String(answer.range.end - answer.range.start + 1));
    else if (answer.kind === 'whole') reply.header('content-length', String(entry.size));
    return reply.send();
  });

  app.get('/files/*', async (request, reply) => {
    // A browser opening a folder's address gets the web UI there; every other client is answered below.
    if (await answerFolderPage(request, reply, library, filePath(request), httpSource(request))) return reply;
    const file = await library.openFile(filePath(request), httpSource(request));
    let answer: Answer;
    try {
      answer = decide(request, reply, file.size, file.mtime);
    } catch (err) {
      await file.handle.close();
      throw err;
    }
    if (answer.kind !== 'partial' && answer.kind !== 'whole') {
      await file.handle.close();
      return reply.send();
    }
    const range = answer.kind === 'partial' ? answer.range : { start: 0, end: file.size - 1 };
    const length = range.end - range.start + 1;
    reply.header('content-length', String(length));
    if (length === 0) {
      await file.handle.close();
      return reply.send('');
    }
    // Not reply.send(stream): sendRange reuses pooled buffers, keeping a crowd of downloads in bounded memory.
    reply.hijack();
    reply.raw.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
    // A client that stops reading must not hold the file and its buffers forever.
    request.raw.socket.setTimeout(shared.limits.idleTimeoutMs);
    const sent = await shared.track(sendRange(reply.raw, file.handle, range.start, range.end, shared.pool));
    shared.ctx.metrics?.bytesOut.inc({ door: 'http' }, sent.read);
    return reply;
  });
}

type Answer = { kind: 'whole' } | { kind: 'partial'; range: ByteRange } | { kind: 'not-modified' } | { kind: 'unsatisfiable' };

/**
 * Validators, conditionals (RFC 9110 13.2.2 order) and Range for a file of `size` bytes modified at
 * `mtime`: sets status and headers on `reply`, and says what body to send.
 */
function decide(request: FastifyRequest, reply: FastifyReply, size: number, mtime: number): Answer {
  const etag = etagOf(size, mtime);
  const name = path.posix.basename(filePath(request));
  const inline = ['1', 'true', 'yes'].includes(queryParam(request, 'inline'));
  reply.headers({
    etag,
    'last-modified': new Date(mtime).toUTCString(),
    'accept-ranges': 'bytes',
    'cache-control': 'no-cache',
    'content-type': contentTypeOf(name),
    'content-disposition': contentDisposition(name, inline),
    // The files are whatever members uploaded: never let one run as a page of this origin.
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox',
  });
  const ifMatch = header(request, 'if-match');
  const ifUnmodified = header(request, 'if-unmodified-since');
  if ((ifMatch !== undefined && !matchHits(ifMatch, etag)) || (ifMatch === undefined && ifUnmodified !== undefined && parseHttpDate(ifUnmodified) !== null && !unmodifiedSince(ifUnmodified, mtime))) {
    throw new HttpError(412, 'PRECONDITION_FAILED', 'the file has changed', { etag });
  }
  const ifNoneMatch = header(request, 'if-none-match');
  const ifModified = header(request, 'if-modified-since');
  if ((ifNoneMatch !== undefined && noneMatchHits(ifNoneMatch, etag)) || (ifNoneMatch === undefined && ifModified !== undefined && unmodifiedSince(ifModified, mtime))) {
    reply.code(304).removeHeader('content-type').removeHeader('content-disposition');
    return { kind: 'not-modified' };
  }
  const range = header(request, 'range');
  const ifRange = header(request, 'if-range');
  if (range === undefined || (ifRange !== undefined && !ifRangeHolds(ifRange, etag, mtime))) return { kind: 'whole' };
  const answer = parseRange(range, size);
  if (answer.kind === 'unsatisfiable') {
    throw new HttpError(416, 'RANGE_NOT_SATISFIABLE', `the file has ${size} bytes`, { 'content-range': `bytes */${size}` });
  }
  if (answer.kind === 'partial') {
    reply.code(206).header('content-range', `bytes ${answer.range.start}-${answer.range.end}/${size}`);
  }
  return answer;
}
