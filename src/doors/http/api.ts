// The /api routes beside the files: POST /api/announce (an administrator announcement, admin token as Bearer) and the chat API (chat-api.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { NetroomError } from '../../core/errors.js';
import { chatApiRoutes } from './chat-api.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { header } from './files.js';

/**
 * True when `authorization` is `Bearer TOKEN` with the admin token. Both sides are hashed first so
 * timingSafeEqual compares equal-length buffers and the time taken says nothing about the token,
 * not even its length.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/iu.exec(authorization ?? '');
  if (match === null || token === '') return false;
  const given = createHash('sha256').update(match[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}

/** Register the administrator API and the chat API. */
export function apiRoutes(app: FastifyInstance, shared: HttpShared, adminToken: string): void {
  chatApiRoutes(app, shared);
  app.post('/api/announce', async (request, reply) => {
    if (!bearerMatches(header(request, 'authorization'), adminToken)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'the admin token is missing or wrong', { 'www-authenticate': 'Bearer realm="netroom"' });
    }
    const body = request.body as { text?: unknown } | null | undefined;
    if (typeof body !== 'object' || body === null || typeof body.text !== 'string') {
      throw new NetroomError('BAD_REQUEST', 'send JSON {"text": "..."}');
    }
    shared.ctx.chat.announce(body.text); // EMPTY_MESSAGE, MESSAGE_TOO_LONG, BAD_MESSAGE -> 400
    shared.log.info({ length: body.text.length }, 'announcement');
    return reply.code(204).send();
  });
}
