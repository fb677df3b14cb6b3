// Uploads: PUT /files/PATH streamed into a resumable partial upload (its notice shared into a room), and HEAD /uploads/PATH for its offset.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NetroomError, isNetroomError } from '../../core/errors.js';
import type { PartialUpload } from '../../core/partial.js';
import { pumpBody } from './body.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { actorName, filePath, header, httpSource } from './files.js';
import { uploadRoom } from './upload-room.js';
import { parseContentRange, parseCount, type UploadRange } from './ranges.js';

/** What a PUT announces in its headers, checked before any byte is read. */
interface PutRequest {
  readonly path: string;
  /** Bytes this request's body carries, when announced (Content-Length). */
  readonly length: number | undefined;
  readonly range: UploadRange | undefined;
  readonly total: number | undefined;
  readonly noOverwrite: boolean;
  /** The room the upload's notice goes to (`?room=` or X-Netroom-Room; default #lobby). */
  readonly room: string;
}

/**
 * Register the upload routes in their own Fastify context: every body there is a raw stream (no
 * parser buffers it, whatever its Content-Type), read by the handler itself.
 */
export function uploadRoutes(app: FastifyInstance, shared: HttpShared): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.head('/uploads/*', async (request, reply) => {
    const info = await shared.partials.status(filePath(request), httpSource(request));
    if (info === null) throw new NetroomError('NOT_FOUND', `no interrupted upload of ${filePath(request)}`);
    return reply
      .headers({ 'upload-offset': String(info.offset), 'upload-length': String(info.total), 'cache-control': 'no-store' })
      .send();
  });

  // Tracked, so the door's close() waits until the upload has committed, kept or removed its file.
  app.put('/files/*', (request, reply) => shared.track(handlePut(shared, request, reply)));
}

/** PUT /files/PATH: check everything, then stream the body into a partial upload. */
async function handlePut(shared: HttpShared, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // Refused here, before a byte is read: errors.ts closes the connection if the client holds
  // the body back for a 100 Continue that will not come.
  let put: PutRequest | undefined;
  let upload: PartialUpload;
  try {
    put = { ...readHeaders(request), room: uploadRoom(shared, request) };
    upload = await shared.partials.begin(put.path, {
      total: put.total,
      start: put.range?.start ?? 0,
      end: put.range?.end,
      noOverwrite: put.noOverwrite,
      by: httpSource(request),
    });
  } catch (err) {
    throw put === undefined ? err : refusal(err, put);
  }
  // Checks passed: now the client may send the body it held back (RFC 9110 10.1.1).
  if (request.headers.expect?.toLowerCase() === '100-continue') reply.raw.writeContinue();
  request.raw.socket.setTimeout(shared.limits.idleTimeoutMs);
  return receive(shared, request, reply, upload, put);
}

/** Validate the headers of a PUT strictly; any doubt is a BAD_REQUEST before anything is written. */
function readHeaders(request: FastifyRequest): Omit<PutRequest, 'room'> {
  const path = filePath(request);
  const lengthHeader = header(request, 'content-length');
  const chunked = request.headers['transfer-encoding'] !== undefined;
  // Node's parser already refuses both at once; no length and no chunking means an empty body.
  const length = lengthHeader === undefined ? (chunked ? undefined : 0) : parseCount(lengthHeader, 'Content-Length');
  const rangeHeader = header(request, 'content-range');
  const range = rangeHeader === undefined ? undefined : parseContentRange(rangeHeader);
  if (range !== undefined && length !== undefined && length !== range.end - range.start + 1) {
    throw new NetroomError('BAD_REQUEST', `Content-Length ${length} does not match Content-Range ${rangeHeader ?? ''}`);
  }
  const ifNoneMatch = header(request, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new NetroomError('BAD_REQUEST', 'If-None-Match on an upload can only be * (do not overwrite)');
  }
  return { path, length, range, total: range?.total ?? length, noOverwrite: ifNoneMatch !== undefined };
}

/** Copy the body into the upload and settle it: stored, kept for later, or refused. */
async function receive(shared: HttpShared, request: FastifyRequest, reply: FastifyReply, upload: PartialUpload, put: PutRequest): Promise<FastifyReply> {
  const { ctx, log, events } = shared;
  const outcome = await pumpBody(request.raw, upload);
  ctx.metrics?.bytesIn.inc({ door: 'http' }, outcome.bytes);
  if (outcome.kind === 'aborted') {
    // The client vanished (or stalled past the idle timeout): keep what arrived so it can continue.
    const kept = await upload.keep();
    log.info({ path: upload.path, received: upload.received, kept: kept !== null }, 'upload interrupted');
    events.emit('uploadAborted', { path: upload.path, received: upload.received, kept });
    return reply.hijack(); // nobody is left to answer
  }
  if (outcome.kind === 'failed') {
    await upload.abort();
    throw refusal(outcome.error, put);
  }
  try {
    await upload.finish();
  } catch (err) {
    await upload.abort();
    throw refusal(err, put);
  }
  const expected = upload.expected;
  if (expected !== undefined && upload.received < expected) {
    // A chunked body that ended short of its Content-Range: keep the prefix, say how far it got.
    const kept = await upload.keep();
    throw new HttpError(400, 'BAD_REQUEST', `the body ended after ${upload.received} of ${expected} bytes`, kept === null ? {} : { 'upload-offset': String(kept.offset) });
  }
  if (put.range !== undefined && put.range.end + 1 < put.range.total) {
    // One part of a larger upload: kept hidden until the rest arrives.
    const kept = await upload.keep();
    if (kept === null && upload.overBudget) {
      throw new NetroomError('DISK_FULL', `the part of ${upload.path} does not fit the disk kept for partial uploads (--partial-budget)`, { path: upload.path });
    }
    if (kept === null) throw new NetroomError('IO_ERROR', `could not keep the part of ${upload.path}`);
    events.emit('uploadPart', kept);
    return reply.code(202).header('upload-offset', String(kept.offset)).send({ path: kept.path, offset: kept.offset, total: kept.total });
  }
  let result;
  try {
    result = await upload.commit();
  } catch (err) {
    throw refusal(err, put);
  }
  ctx.metrics?.uploads.inc({ door: 'http' });
  // The change itself is logged (info, with who and from where) by the server's library subscription.
  log.debug({ path: result.path, size: result.size, sha256: result.sha256, created: result.created }, 'upload stored');
  // Named after the account (or the guest's member name, or the admin token's 'netroom').
  ctx.chat.fileShared(result.path, result.size, actorName(request), put.room);
  events.emit('uploadStored', result);
  return reply.code(result.created ? 201 : 200).send({ path: result.path, size: result.size, sha256: result.sha256 });
}

/** If-None-Match: * makes an existing name a failed precondition (412) rather than a conflict. */
function refusal(err: unknown, put: PutRequest): unknown {
  if (put.noOverwrite && isNetroomError(err) && err.code === 'ALREADY_EXISTS') {
    return new HttpError(412, 'ALREADY_EXISTS', err.message);
  }
  return err;
}
