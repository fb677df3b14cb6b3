// The HTTP API of accounts as the UI uses it: signing in and out, sessions and tokens, invitations.
import { ApiError, request } from './api.js';
import type { CredentialInfo } from '../../src/core/access/credentials.js';
import type { WireAccount } from './protocol.js';

/** The answer to GET /api/session: who this browser is signed in as, and the server's guest policy. */
export interface SessionInfo {
  readonly account: WireAccount | null;
  readonly guests: 'on' | 'read' | 'off';
}

/** A session or token as listed to its owner (never its secret): the server's CredentialInfo, and whether it is this browser's. */
export interface CredentialRow extends CredentialInfo {
  /** The session of this very browser. */
  readonly current: boolean;
}

/** An invitation as its link shows it. */
export interface InvitationInfo {
  readonly role: 'member' | 'admin';
  readonly expiresAt: number;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

async function json<T>(res: Response): Promise<T> {
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError('BAD_RESPONSE', 'the server sent an answer that is not JSON', res.status);
  }
}

/** Who this browser is (a stale cookie counts as nobody). */
export async function currentSession(): Promise<SessionInfo> {
  return json<SessionInfo>(await request('api/session', { headers: { Accept: 'application/json' }, cache: 'no-store' }));
}

/** Sign in with a name and password: the server sets the session cookie. */
export async function signIn(name: string, password: string): Promise<WireAccount> {
  const res = await request('api/session', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name, password }) });
  return (await json<{ account: WireAccount }>(res)).account;
}

/** Sign out: this session is revoked and the cookie cleared. */
export async function signOut(): Promise<void> {
  await request('api/session', { method: 'DELETE' });
}

export async function listCredentials(): Promise<CredentialRow[]> {
  const res = await request('api/sessions', { headers: { Accept: 'application/json' }, cache: 'no-store' });
  return (await json<{ sessions: CredentialRow[] }>(res)).sessions;
}

export async function revokeCredential(id: string): Promise<void> {
  await request(`api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** A new personal API token; its secret is in this answer only. */
export async function createToken(label: string): Promise<{ token: string; id: string }> {
  const res = await request('api/tokens', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ label }) });
  return json<{ token: string; id: string }>(res);
}

/** What an invitation offers (410 BAD_INVITATION when used or expired). */
export async function peekInvitation(secret: string): Promise<InvitationInfo> {
  return json<InvitationInfo>(await request(`api/invitations/${encodeURIComponent(secret)}`, { headers: { Accept: 'application/json' }, cache: 'no-store' }));
}

/** Accept an invitation: the account is made and this browser signed in as it. */
export async function redeemInvitation(secret: string, name: string, password: string): Promise<WireAccount> {
  const res = await request(`api/invitations/${encodeURIComponent(secret)}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name, password }) });
  return (await json<{ account: WireAccount }>(res)).account;
}
