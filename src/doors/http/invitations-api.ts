// Invitation links over HTTP: administrators make them, anyone holding one looks at it and redeems it once for an account.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isAccountRole } from '../../core/access/roles.js';
import { NetroomError } from '../../core/errors.js';
import { startSession, wireAccount } from './account-api.js';
import { accessOf, bodyObject, checkPasswordChannel, optionalDuration, requireAdmin, textField } from './auth-hook.js';
import type { HttpShared } from './context.js';

/** Longest an invitation may stay valid: a year. */
const MAX_INVITATION_MS = 365 * 24 * 60 * 60 * 1000;

/** The origin the request was sent to (the guard has checked its Host names this server). */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.host}`;
}

/** Register POST /api/invitations, GET and POST /api/invitations/:secret. */
export function invitationRoutes(app: FastifyInstance, shared: HttpShared): void {
  app.post('/api/invitations', async (request, reply) => {
    const auth = requireAdmin(request, 'invite people');
    const body = request.body === undefined || request.body === null ? {} : bodyObject(request, '{"role": "member"|"admin", "expiresInMs": N}');
    const role: unknown = body['role'] ?? 'member';
    if (!isAccountRole(role)) throw new NetroomError('BAD_REQUEST', 'role is member or admin');
    const ttl = optionalDuration(body, 'expiresInMs');
    if (ttl !== undefined && ttl > MAX_INVITATION_MS) throw new NetroomError('BAD_REQUEST', 'an invitation lasts at most a year');
    const by = auth.actor.account ?? auth.actor.name;
    const made = accessOf(shared).invitations.create(role, by, ...(ttl === undefined ? [] : [ttl]));
    shared.log.info({ by, role: made.role, expiresAt: made.expiresAt }, 'invitation created');
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ link: `${originOf(request)}/join/${made.secret}`, secret: made.secret, expiresAt: made.expiresAt, role: made.role });
  });

  app.get('/api/invitations/:secret', async (request, reply) => {
    const { secret } = request.params as { secret: string };
    const offer = accessOf(shared).invitations.peek(secret);
    return reply.header('cache-control', 'no-store').send({ role: offer.role, expiresAt: offer.expiresAt });
  });

  app.post('/api/invitations/:secret', async (request, reply) => {
    const { secret } = request.params as { secret: string };
    const shape = '{"name": "...", "password": "..."}';
    const body = bodyObject(request, shape);
    const name = textField(body, 'name', shape);
    const password = textField(body, 'password', shape);
    checkPasswordChannel(shared, request);
    const account = await accessOf(shared).invitations.redeem(secret, name, password);
    shared.log.info({ account: account.name, role: account.role, client: request.socket.remoteAddress }, 'invitation redeemed');
    startSession(shared, request, reply, account);
    return reply.code(201).send({ account: wireAccount(account) });
  });
}
