// The HTTP door's sign-in hook: every request's HttpAuth resolved once, --guests off applied, and the checks routes share.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Access } from '../../core/access/access.js';
import type { AccountInfo } from '../../core/access/accounts.js';
import { guest } from '../../core/access/roles.js';
import { NetroomError } from '../../core/errors.js';
import { passwordAllowed } from '../../core/access/plaintext.js';
import { isTls, resolveAuth, type HttpAuth } from './auth.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { closeIfUpgrade } from './guard.js';

/** Each request's HttpAuth, resolved by the hook (a WeakMap: nothing to clean up, no Fastify decoration). */
const resolved = new WeakMap<IncomingMessage, HttpAuth>();

/**
 * Who a request comes from, as the hook resolved it (a guest with no name when the hook did not
 * run). The WebSocket door's upgrade handler may call this with its request: the hook runs for
 * the upgrade too, and a bad secret was already refused with 401 before the handler.
 */
export function authOf(request: FastifyRequest | IncomingMessage): HttpAuth {
  const raw = 'raw' in request ? request.raw : request;
  return resolved.get(raw) ?? { actor: guest(), via: 'guest' };
}

/** Routes anyone may reach, signed in or not, even under --guests off; a stale cookie is ignored there. */
function isPublic(method: string, pathname: string): boolean {
  // Everything outside the API, the files (and their thumbnails) and the WebSocket: the UI's static files, /join/SECRET, /healthz.
  if (!/^\/(api|files|thumbs|uploads|metrics|ws)(\/|$)/u.test(pathname)) return true;
  if (pathname === '/api/session' || pathname === '/api/tokens') return true;
  return /^\/api\/invitations\/[^/]+$/u.test(pathname) && (method === 'GET' || method === 'POST');
}

/**
 * Install the hook on the door's root after the same-origin guard, so it runs for every route,
 * the plugins' (the WebSocket upgrade) included. A Bearer secret or session cookie that signs
 * nobody in is 401 NOT_SIGNED_IN; under --guests off a guest gets 401 ACCOUNTS_ONLY except on the
 * public routes and the WebSocket upgrade (where the chat itself refuses a guest, in its own words).
 */
export function installAuth(app: FastifyInstance, shared: HttpShared, adminToken: string): void {
  const { access, chat } = shared.ctx;
  const deps = { access, adminToken, chat };
  const hook: onRequestHookHandler = (request, reply, done) => {
    const pathname = request.url.split('?')[0] ?? '';
    const open = isPublic(request.method, pathname);
    let auth: HttpAuth;
    try {
      // The WebSocket too: a browser whose session was revoked elsewhere still gets the library feed and the name form.
      auth = resolveAuth(deps, request.raw, { staleCookieAsGuest: open || pathname === '/ws' });
    } catch (err) {
      closeIfUpgrade(request, reply.raw);
      done(err instanceof NetroomError ? new HttpError(401, 'NOT_SIGNED_IN', err.message, { 'www-authenticate': 'Bearer realm="netroom"' }) : (err as Error));
      return;
    }
    resolved.set(request.raw, auth);
    if (auth.via === 'guest' && access?.guests === 'off' && !open && request.headers.upgrade === undefined) {
      done(new NetroomError('ACCOUNTS_ONLY', 'this server is for its accounts only: sign in (POST /api/session, or a token as Authorization: Bearer)'));
      return;
    }
    done();
  };
  app.addHook('onRequest', hook);
}

/** The access store, or 404 on a server that keeps no accounts (some unit-test rigs). */
export function accessOf(shared: HttpShared): Access {
  const { access } = shared.ctx;
  if (access === undefined) throw new HttpError(404, 'NOT_FOUND', 'this server keeps no accounts');
  return access;
}

/** The signed-in account of a request, or 401 NOT_SIGNED_IN. */
export function requireAccount(request: FastifyRequest): HttpAuth & { account: AccountInfo } {
  const auth = authOf(request);
  if (auth.account === undefined) throw new NetroomError('NOT_SIGNED_IN', 'sign in first (a session cookie, or a token as Authorization: Bearer)');
  return auth as HttpAuth & { account: AccountInfo };
}

/** 403 PERMISSION_DENIED unless the request comes from an administrator (an admin account or the admin token). */
export function requireAdmin(request: FastifyRequest, what: string): HttpAuth {
  const auth = authOf(request);
  if (auth.actor.role !== 'admin') throw new NetroomError('PERMISSION_DENIED', `only administrators ${what}`);
  return auth;
}

/**
 * Passwords travel only where nobody else can read them: over TLS, from this very machine, or
 * anywhere when the server was started with --allow-plaintext-passwords.
 */
export function checkPasswordChannel(shared: HttpShared, request: FastifyRequest): void {
  const address = request.socket.remoteAddress ?? '';
  if (passwordAllowed({ address, tls: isTls(request.raw), allowPlaintext: shared.ctx.allowPlaintextPasswords === true })) return;
  throw new NetroomError(
    'PERMISSION_DENIED',
    'passwords are not accepted over plain HTTP from another machine: use https (the server needs --tls-cert), or start it with --allow-plaintext-passwords',
  );
}

/** A JSON body's object, or BAD_REQUEST. */
export function bodyObject(request: FastifyRequest, shape: string): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new NetroomError('BAD_REQUEST', `send JSON ${shape}`);
  return body as Record<string, unknown>;
}

/** A required text field of a JSON body, or BAD_REQUEST. */
export function textField(body: Record<string, unknown>, name: string, shape: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new NetroomError('BAD_REQUEST', `give ${name} as text: send JSON ${shape}`);
  return value;
}

/** An optional text field of a JSON body (undefined when absent or null), or BAD_REQUEST. */
export function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new NetroomError('BAD_REQUEST', `${name} must be text`);
  return value;
}

/** An optional positive whole number of milliseconds (undefined when absent or null), or BAD_REQUEST. */
export function optionalDuration(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new NetroomError('BAD_REQUEST', `${name} must be a positive whole number of milliseconds`);
  return value;
}
