// Who opens a /ws connection on an app without the HTTP door's sign-in hook: the session cookie or a Bearer secret, checked against the access core.
import type { IncomingHttpHeaders } from 'node:http';
import type { Access } from '../../core/access/access.js';
import { guest, signedIn, type Actor } from '../../core/access/roles.js';
import type { Member, Who } from '../../core/chat/types.js';
import { bearerOf, cookieValue, SESSION_COOKIE } from '../http/auth.js';
import type { WsClient } from './client.js';
import { CLOSE_CODES, type WireAccount } from './messages.js';
import type { WsReplies } from './replies.js';

/** The outcome of reading an upgrade's credentials: who it is, or why it is refused (401). */
export type WsSignIn =
  | { readonly ok: true; readonly actor: Actor; readonly secret?: string }
  | { readonly ok: false; readonly code: 'NOT_SIGNED_IN'; readonly message: string };

/**
 * Read the upgrade's credentials where the HTTP door's hook (doors/http/auth-hook.ts) did not: a
 * bare Fastify app with only this door. A Bearer secret is a deliberate claim (the terminal
 * client's token): one that does not sign in is refused, never taken as a guest. A stale cookie
 * makes a guest here (on the HTTP door the hook answers it 401; GET /api/session clears it).
 * Without an access core everyone is a guest.
 */
export function signInOf(headers: IncomingHttpHeaders, access: Access | undefined): WsSignIn {
  if (headers.authorization !== undefined) {
    const bearer = bearerOf(headers);
    const checked = bearer !== undefined && access ? access.credentials.check(bearer) : undefined;
    if (!checked || bearer === undefined) return { ok: false, code: 'NOT_SIGNED_IN', message: 'the Authorization secret signs nobody in (unknown, expired or revoked): sign in again' };
    return { ok: true, actor: signedIn(checked.account.name, checked.account.role), secret: bearer };
  }
  const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
  const checked = cookie !== undefined && access ? access.credentials.check(cookie) : undefined;
  return checked && cookie !== undefined ? { ok: true, actor: signedIn(checked.account.name, checked.account.role), secret: cookie } : { ok: true, actor: guest() };
}

/** What the chat is told about who enters: the account and role when signed in, always the address (bans by address). */
export function whoOf(actor: Actor, address: string | undefined): Who {
  const who: { account?: string; role?: Actor['role']; address?: string } = {};
  if (actor.account !== undefined) who.account = actor.account;
  if (actor.role !== 'guest') who.role = actor.role;
  if (address !== undefined) who.address = address;
  return who;
}

/** The account a member speaks for, as `welcome` shows it (null: a guest, or the admin token with no account). */
export function accountOf(member: Member): WireAccount | null {
  return member.account !== undefined && member.role !== undefined && member.role !== 'guest' ? { name: member.account, role: member.role } : null;
}

/**
 * After a revocation (here or by the CLI): every connection signed in with a secret that no longer
 * signs anyone in hears NOT_SIGNED_IN and closes with 4003, so the client does not reconnect on its
 * own. Returns those connections (the door lets their members go at once).
 */
export function endRevoked(clients: Iterable<WsClient>, access: Access, replies: WsReplies): WsClient[] {
  const ended: WsClient[] = [];
  for (const client of clients) {
    if (client.secret === undefined || client.secret === '' || access.credentials.check(client.secret) !== undefined) continue;
    replies.send(client, { type: 'error', code: 'NOT_SIGNED_IN', message: 'this session was signed out or revoked: sign in again' });
    client.ws.close(CLOSE_CODES.removed, 'signed out');
    ended.push(client);
  }
  return ended;
}
