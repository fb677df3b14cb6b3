// Who an HTTP request (or WebSocket upgrade) comes from: session cookie, Bearer session/token, the admin token, or a guest.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Access } from '../../core/access/access.js';
import type { AccountInfo } from '../../core/access/accounts.js';
import { guest, signedIn, SYSTEM, type Actor } from '../../core/access/roles.js';
import type { Chat } from '../../core/chat/chat.js';
import { NetroomError } from '../../core/errors.js';
import { bearerMatches } from './bearer.js';

/** The session cookie's name (HttpOnly, SameSite=Lax, Path=/, Secure under TLS). */
export const SESSION_COOKIE = 'netroom_session';

/** A session cookie lasts as long as the session itself: 30 days. */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

/** How the request proved who it is. */
export type AuthVia = 'cookie' | 'bearer' | 'admin-token' | 'guest';

/** The outcome of {@link resolveAuth}. */
export interface HttpAuth {
  /** What the core is handed: the account's role, SYSTEM for the admin token, else a guest. */
  readonly actor: Actor;
  /** The signed-in account (absent for guests and the admin token). */
  readonly account?: AccountInfo;
  /** The session or token secret that signed the request in (to sign it out). */
  readonly sessionSecret?: string;
  /** The id of that credential (to mark "this session" in a list). */
  readonly credentialId?: string;
  readonly via: AuthVia;
  /** A session cookie that signs nobody in any more was ignored (the route is public): forget it. */
  readonly staleCookie?: boolean;
}

/** What resolving needs: the access store (absent: guests only) and the admin token ('' never matches). */
export interface AuthDeps {
  readonly access?: Access | undefined;
  readonly adminToken: string;
  /** The chat, to give a guest the name of the guest member it claims with X-Netroom-Name. */
  readonly chat?: Chat;
}

/** Secrets the access core hands out: `nrs_` (session) or `nrt_` (token) and 43 base64url characters. */
const CREDENTIAL = /^nr[st]_[A-Za-z0-9_-]{43}$/u;

/** A header as one string, or undefined. */
function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The value of cookie `name` in a Cookie header (RFC 6265 5.4), or undefined. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** The secret of `Authorization: Bearer SECRET`, or undefined when the header is absent or another scheme. */
export function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/iu.exec(one(headers, 'authorization') ?? '')?.[1];
}

/** True when the connection is TLS (HTTPS door). */
export function isTls(raw: IncomingMessage): boolean {
  return (raw.socket as Partial<TLSSocket>).encrypted === true;
}

/**
 * Who `raw` comes from. Order: a Bearer header (a session or token secret of an account, or the
 * admin token -> SYSTEM), then the session cookie, else a guest named by X-Netroom-Name (when a
 * guest of that name is in the chat). A Bearer secret or cookie that signs nobody in (unknown,
 * expired, revoked, account deleted) throws NOT_SIGNED_IN: a client that meant to be someone is
 * never silently taken for a guest (unless `staleCookieAsGuest`, for pages anyone may see: the
 * cookie is then reported stale, to be cleared). The WebSocket door calls this at the upgrade.
 */
export function resolveAuth(deps: AuthDeps, raw: IncomingMessage, options: { staleCookieAsGuest?: boolean } = {}): HttpAuth {
  const { headers } = raw;
  const bearer = bearerOf(headers);
  if (bearer !== undefined) {
    if (CREDENTIAL.test(bearer) && deps.access !== undefined) {
      const found = deps.access.credentials.check(bearer);
      if (found === undefined) throw notSignedIn('the token or session is unknown, expired or revoked: sign in again');
      return { actor: signedIn(found.account.name, found.account.role), account: found.account, sessionSecret: bearer, credentialId: found.credential.id, via: 'bearer' };
    }
    if (bearerMatches(`Bearer ${bearer}`, deps.adminToken)) return { actor: SYSTEM, via: 'admin-token' };
    throw notSignedIn('the Bearer token is not one of this server’s');
  }
  const cookie = cookieValue(one(headers, 'cookie'), SESSION_COOKIE);
  if (cookie !== undefined && cookie !== '') {
    const found = CREDENTIAL.test(cookie) ? deps.access?.credentials.check(cookie) : undefined;
    if (found === undefined && options.staleCookieAsGuest === true) return { ...guestOf(deps, headers), staleCookie: true };
    if (found === undefined) throw notSignedIn('your session has ended (signed out, revoked or expired): sign in again');
    return { actor: signedIn(found.account.name, found.account.role), account: found.account, sessionSecret: cookie, credentialId: found.credential.id, via: 'cookie' };
  }
  return guestOf(deps, headers);
}

function guestOf(deps: AuthDeps, headers: IncomingHttpHeaders): HttpAuth {
  return { actor: guest(guestName(deps.chat, one(headers, 'x-netroom-name')) ?? ''), via: 'guest' };
}

function notSignedIn(message: string): NetroomError {
  return new NetroomError('NOT_SIGNED_IN', message);
}

/**
 * The name a guest claims (X-Netroom-Name), if a guest member of that name is in the chat. Header
 * values are Latin-1, so a UTF-8 name comes percent-encoded (browsers) or as raw bytes (other
 * clients). A signed-in member's name is never a guest's to claim.
 */
export function guestName(chat: Chat | undefined, claimed: string | undefined): string | undefined {
  if (chat === undefined || claimed === undefined) return undefined;
  const candidates = [claimed, Buffer.from(claimed, 'latin1').toString('utf8')];
  try {
    candidates.push(decodeURIComponent(claimed));
  } catch {
    // not percent-encoded
  }
  for (const name of candidates) {
    const member = chat.find(name);
    if (member !== undefined && member.account === undefined) return member.name;
  }
  return undefined;
}

/** The Set-Cookie value that signs a browser in with `secret`. */
export function sessionCookie(secret: string, tls: boolean): string {
  return `${SESSION_COOKIE}=${secret}; Max-Age=${SESSION_MAX_AGE_S}; Path=/; HttpOnly; SameSite=Lax${tls ? '; Secure' : ''}`;
}

/** The Set-Cookie value that forgets the session cookie. */
export function clearedSessionCookie(tls: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax${tls ? '; Secure' : ''}`;
}
