// Signing in and out over HTTP: /api/session, /api/sessions, /api/tokens, and the account list for administrators.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountInfo } from '../../core/access/accounts.js';
import type { CredentialInfo } from '../../core/access/credentials.js';
import { NetroomError } from '../../core/errors.js';
import { clearedSessionCookie, isTls, sessionCookie } from './auth.js';
import { accessOf, authOf, bodyObject, checkPasswordChannel, optionalText, requireAccount, requireAdmin, textField } from './auth-hook.js';
import type { HttpShared } from './context.js';
import { header } from './files.js';

/** An account as the API shows it. */
export function wireAccount(account: AccountInfo): { name: string; role: string } {
  return { name: account.name, role: account.role };
}

/** Longest label kept for a session or token (the core keeps 100 characters). */
const MAX_LABEL = 100;

/**
 * Start a browser session for `account`: a session credential labelled with the browser's
 * User-Agent, and its cookie (Secure when the request came over TLS).
 */
export function startSession(shared: HttpShared, request: FastifyRequest, reply: FastifyReply, account: AccountInfo): void {
  const label = (header(request, 'user-agent') ?? 'browser').slice(0, MAX_LABEL);
  const { secret } = accessOf(shared).credentials.create(account.name, 'session', label);
  reply.header('set-cookie', sessionCookie(secret, isTls(request.raw))).header('cache-control', 'no-store');
}

/** Register the session, sessions, tokens and accounts routes. */
export function accountRoutes(app: FastifyInstance, shared: HttpShared): void {
  const { log } = shared;

  /** Check a name and password (rate-limited per address and account); the channel must be private. */
  const verify = async (request: FastifyRequest, body: Record<string, unknown>, shape: string): Promise<AccountInfo> => {
    const access = accessOf(shared);
    const name = textField(body, 'name', shape);
    const password = textField(body, 'password', shape);
    checkPasswordChannel(shared, request);
    const address = request.socket.remoteAddress ?? '';
    try {
      return await access.accounts.verify(name, password, address);
    } catch (err) {
      // Never the password; the name helps an administrator see who is being guessed.
      log.info({ name, client: address, code: err instanceof NetroomError ? err.code : 'INTERNAL' }, 'sign-in refused');
      throw err;
    }
  };

  app.get('/api/session', async (request, reply) => {
    const auth = authOf(request);
    if (auth.staleCookie === true) reply.header('set-cookie', clearedSessionCookie(isTls(request.raw)));
    const guests = shared.ctx.access?.guests ?? 'on';
    return reply.header('cache-control', 'no-store').send({ account: auth.account === undefined ? null : wireAccount(auth.account), guests });
  });

  app.post('/api/session', async (request, reply) => {
    const account = await verify(request, bodyObject(request, '{"name": "...", "password": "..."}'), '{"name": "...", "password": "..."}');
    startSession(shared, request, reply, account);
    log.info({ account: account.name, client: request.socket.remoteAddress }, 'signed in');
    return reply.send({ account: wireAccount(account) });
  });

  app.delete('/api/session', async (request, reply) => {
    const auth = authOf(request);
    const access = shared.ctx.access;
    // Whatever signed this request in ends here: the cookie's session, or the Bearer session or token.
    if (access !== undefined && auth.account !== undefined && auth.credentialId !== undefined) {
      access.credentials.revoke(auth.account.name, auth.credentialId);
      log.info({ account: auth.account.name, via: auth.via }, 'signed out');
    }
    return reply.code(204).header('set-cookie', clearedSessionCookie(isTls(request.raw))).header('cache-control', 'no-store').send();
  });

  app.get('/api/sessions', async (request, reply) => {
    const auth = requireAccount(request);
    const sessions = accessOf(shared)
      .credentials.list(auth.account.name)
      .map((info: CredentialInfo) => ({ ...info, current: info.id === auth.credentialId }));
    return reply.header('cache-control', 'no-store').send({ sessions });
  });

  app.delete('/api/sessions/:id', async (request, reply) => {
    const auth = requireAccount(request);
    const { id } = request.params as { id: string };
    if (!accessOf(shared).credentials.revoke(auth.account.name, id)) throw new NetroomError('NOT_FOUND', `you have no session or token with id ${id}`);
    log.info({ account: auth.account.name, id }, 'session revoked');
    // Revoking the very session this browser uses is signing out: its cookie goes too.
    if (id === auth.credentialId && auth.via === 'cookie') reply.header('set-cookie', clearedSessionCookie(isTls(request.raw)));
    return reply.code(204).send();
  });

  app.post('/api/tokens', async (request, reply) => {
    const shape = '{"label": "..."} when signed in, or {"name": "...", "password": "...", "label": "..."}';
    const body = bodyObject(request, shape);
    const label = optionalText(body, 'label') ?? 'token';
    if (label.length > MAX_LABEL) throw new NetroomError('BAD_REQUEST', `a label is at most ${MAX_LABEL} characters`);
    const account = body['name'] !== undefined || body['password'] !== undefined ? await verify(request, body, shape) : requireAccount(request).account;
    const { secret, info } = accessOf(shared).credentials.create(account.name, 'token', label);
    log.info({ account: account.name, id: info.id, label }, 'token created');
    return reply.code(201).header('cache-control', 'no-store').send({ token: secret, id: info.id, account: wireAccount(account) });
  });

  app.get('/api/accounts', async (request, reply) => {
    requireAdmin(request, 'list the accounts');
    const accounts = accessOf(shared)
      .accounts.list()
      .map((a) => ({ name: a.name, role: a.role, createdAt: a.createdAt }));
    return reply.header('cache-control', 'no-store').send({ accounts });
  });
}
