// Client of the HTTP sign-in API for the terminal clients: a personal token from a name and password (`netroom login`), and revoking it.
import { HttpError, readJson, type HttpClient } from './http.js';

/** What POST /api/tokens answers: the token (once), its id, and the account it signs in. */
export interface IssuedToken {
  readonly token: string;
  readonly id: string;
  readonly account: { readonly name: string; readonly role: string };
}

/** POST /api/tokens {name, password, label}: a personal token for the account (the password crosses once, never stored). */
export async function issueToken(http: HttpClient, name: string, password: string, label: string): Promise<IssuedToken> {
  const res = await http.request('/api/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ name, password, label })),
  });
  const body = (await readJson(res)) as Partial<IssuedToken> | null;
  if (typeof body?.token !== 'string' || typeof body.account?.name !== 'string') {
    throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', 'the server answered the sign-in without a token');
  }
  return { token: body.token, id: typeof body.id === 'string' ? body.id : '', account: { name: body.account.name, role: String(body.account.role) } };
}

/** DELETE /api/sessions/ID with the token itself: the server forgets it. */
export async function revokeToken(http: HttpClient, id: string): Promise<void> {
  const res = await http.request(`/api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
  res.resume();
}
