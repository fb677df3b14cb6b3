// The /api routes beside the files: POST /api/announce (administrators), accounts and sessions, invitations, moderation, the chat API.
import { mayChat } from '../../core/access/permissions.js';
import type { FastifyInstance } from 'fastify';
import { NetroomError } from '../../core/errors.js';
import { accountRoutes } from './account-api.js';
import { authOf } from './auth-hook.js';
import { chatApiRoutes } from './chat-api.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { invitationRoutes } from './invitations-api.js';
import { moderationRoutes } from './moderation-api.js';

/** Register the administrator API, accounts, invitations, moderation and the chat API. */
export function apiRoutes(app: FastifyInstance, shared: HttpShared): void {
  chatApiRoutes(app, shared);
  accountRoutes(app, shared);
  invitationRoutes(app, shared);
  moderationRoutes(app, shared);
  app.post('/api/announce', async (request, reply) => {
    // The admin token (SYSTEM) or an administrator's account, signed in by the door's auth hook.
    const auth = authOf(request);
    if (auth.account === undefined && auth.actor.role !== 'admin') {
      throw new HttpError(401, 'UNAUTHORIZED', 'the admin token is missing or wrong', { 'www-authenticate': 'Bearer realm="netroom"' });
    }
    if (!mayChat(auth.actor, 'announce', shared.ctx.access?.guests ?? 'on', shared.ctx.chat.policy)) {
      throw new NetroomError('PERMISSION_DENIED', 'only administrators announce');
    }
    const body = request.body as { text?: unknown } | null | undefined;
    if (typeof body !== 'object' || body === null || typeof body.text !== 'string') {
      throw new NetroomError('BAD_REQUEST', 'send JSON {"text": "..."}');
    }
    shared.ctx.chat.announce(body.text); // EMPTY_MESSAGE, MESSAGE_TOO_LONG, BAD_MESSAGE -> 400
    shared.log.info({ length: body.text.length, by: auth.actor.account ?? auth.actor.name }, 'announcement');
    return reply.code(204).send();
  });
}
