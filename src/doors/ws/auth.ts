// Who opens a /ws connection: the session cookie or an `Authorization: Bearer` secret read at the upgrade, checked against the access core.
import type { IncomingHttpHeaders } from 'node:http';
import type { Access } from '../../core/access/access.js';
import { guest, signedIn, type Actor } from '../../core/access/roles.js';

/** The web UI's session cookie (set by POST /api/session). */
export const SESSION_COOKIE = 'netroom_session';

/** The outcome of reading an upgrade's credentials: who it is, or why it is refused (401). */
export type WsSignIn =
  | { readonly ok: true; readonly actor: Actor }
  | { readonly ok: false; readonly code: 'NOT_SIGNED_IN'; readonly message: string };

/** The value of one cookie in a Cookie header (RFC 6265 5.4), undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return undefined;
}

/**
 * Read the upgrade's credentials. A Bearer secret is a deliberate claim (the terminal client's
 * token): one that does not sign in is refused, never taken as a guest. The cookie is ambient
 * (the browser sends whatever it kept): a stale one makes a guest, as it does on the HTTP API, so
 * a browser whose session was revoked elsewhere still gets the library feed and the name form.
 * Without an access core (unit tests) everyone is a guest.
 */
export function signInOf(headers: IncomingHttpHeaders, access: Access | undefined): WsSignIn {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/iu.exec(authorization);
    const checked = match && access ? access.credentials.check(match[1]) : undefined;
    if (!checked) return { ok: false, code: 'NOT_SIGNED_IN', message: 'the Authorization secret signs nobody in (unknown, expired or revoked): sign in again' };
    return { ok: true, actor: signedIn(checked.account.name, checked.account.role) };
  }
  const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
  const checked = cookie !== undefined && access ? access.credentials.check(cookie) : undefined;
  return { ok: true, actor: checked ? signedIn(checked.account.name, checked.account.role) : guest() };
}
