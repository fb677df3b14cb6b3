// HTTP sign-in: the session cookie, sessions and their revocation, API tokens as Bearer, the admin token, the rate limit, --guests, plain-HTTP passwords.
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCookie, startAccessServer, type AccessServer } from './helpers/access-server.js';
import { errorCode, nextChatEvent, request } from './helpers/http.js';

const PASSWORD = 'correct horse battery';

/** `Cookie: netroom_session=...` for a session secret. */
function cookie(secret: string): Record<string, string> {
  return { cookie: `netroom_session=${secret}` };
}

/** Sign in and return the session secret from the Set-Cookie header. */
async function signIn(srv: AccessServer, name: string, password = PASSWORD): Promise<string> {
  const res = await srv.call('POST', '/api/session', { json: { name, password } });
  expect([res.status, res.json()]).toEqual([200, { account: { name, role: expect.any(String) as string } }]);
  const value = setCookie(res, 'netroom_session')?.value;
  if (value === undefined) throw new Error('no session cookie');
  return value;
}

describe('sign-in over HTTP', () => {
  let srv: AccessServer;
  beforeAll(async () => {
    srv = await startAccessServer();
    await srv.access.accounts.add('alice', PASSWORD, 'member');
    await srv.access.accounts.add('root', PASSWORD, 'admin');
    await srv.access.accounts.add('dora', PASSWORD, 'member');
  });
  afterAll(() => srv.close());

  it('a guest: GET /api/session says no account and the guest policy', async () => {
    const res = await srv.call('GET', '/api/session');
    expect([res.status, res.json()]).toEqual([200, { account: null, guests: 'on' }]);
  });

  it('the right password: 200, an HttpOnly SameSite=Lax cookie (not Secure over plain HTTP) that signs the browser in', async () => {
    const res = await srv.call('POST', '/api/session', { json: { name: 'ALICE', password: PASSWORD } });
    expect([res.status, res.json()]).toEqual([200, { account: { name: 'alice', role: 'member' } }]);
    const set = setCookie(res, 'netroom_session');
    expect(set?.value).toMatch(/^nrs_[A-Za-z0-9_-]{43}$/u);
    expect(set?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=2592000']));
    expect(set?.attributes).not.toContain('Secure');
    const me = await srv.call('GET', '/api/session', { headers: cookie(set?.value ?? '') });
    expect(me.json()).toEqual({ account: { name: 'alice', role: 'member' }, guests: 'on' });
  });

  it('a wrong password or an unknown name: 401 BAD_CREDENTIALS, no cookie; a body without them: 400', async () => {
    for (const body of [{ name: 'alice', password: 'wrong password' }, { name: 'nobody', password: PASSWORD }]) {
      const res = await srv.call('POST', '/api/session', { json: body });
      expect([res.status, errorCode(res), res.headers['set-cookie']]).toEqual([401, 'BAD_CREDENTIALS', undefined]);
    }
    const bad = await srv.call('POST', '/api/session', { json: { name: 'alice' } });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('after 5 failures against one account from one address: 429 RATE_LIMITED with Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await srv.call('POST', '/api/session', { json: { name: 'dora', password: `wrong ${i} password` } });
      expect(errorCode(res)).toBe('BAD_CREDENTIALS');
    }
    const limited = await srv.call('POST', '/api/session', { json: { name: 'dora', password: PASSWORD } });
    expect([limited.status, errorCode(limited)]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Tokens are signed in the same way: limited too.
    const token = await srv.call('POST', '/api/tokens', { json: { name: 'dora', password: PASSWORD, label: 'x' } });
    expect([token.status, errorCode(token)]).toEqual([429, 'RATE_LIMITED']);
    // Another account from the same address is not held up.
    await signIn(srv, 'alice');
  });

  it('sessions are listed (this one marked) and revoked; a revoked cookie is 401 NOT_SIGNED_IN, and /api/session forgets it', async () => {
    const first = await signIn(srv, 'alice');
    const second = await signIn(srv, 'alice');
    const list = await srv.call('GET', '/api/sessions', { headers: cookie(second) });
    type Listed = { id: string; kind: string; current: boolean; label: string; createdAt: number; lastUsedAt: number | null; expiresAt: number | null };
    const sessions = list.json<{ sessions: Listed[] }>().sessions;
    const current = sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ kind: 'session', expiresAt: expect.any(Number) as number });
    const firstId = srv.access.credentials.idOf(first);
    expect(sessions.map((s) => s.id)).toContain(firstId);
    const revoked = await srv.call('DELETE', `/api/sessions/${firstId}`, { headers: cookie(second) });
    expect(revoked.status).toBe(204);
    const denied = await srv.call('GET', '/api/files', { headers: cookie(first) });
    expect([denied.status, errorCode(denied)]).toEqual([401, 'NOT_SIGNED_IN']);
    const stale = await srv.call('GET', '/api/session', { headers: cookie(first) });
    expect(stale.json()).toEqual({ account: null, guests: 'on' });
    expect(setCookie(stale, 'netroom_session')).toEqual({ value: '', attributes: expect.arrayContaining(['Max-Age=0']) as string[] });
    // Nobody revokes what is not theirs (or not there): 404, and the second session still works.
    const again = await srv.call('DELETE', `/api/sessions/${firstId}`, { headers: cookie(second) });
    expect([again.status, errorCode(again)]).toEqual([404, 'NOT_FOUND']);
    expect((await srv.call('GET', '/api/files', { headers: cookie(second) })).status).toBe(200);
    // Listing needs someone signed in.
    const guest = await srv.call('GET', '/api/sessions');
    expect([guest.status, errorCode(guest)]).toEqual([401, 'NOT_SIGNED_IN']);
  });

  it('DELETE /api/session signs out: the cookie is cleared and the session no longer signs anyone in', async () => {
    const secret = await signIn(srv, 'alice');
    const out = await srv.call('DELETE', '/api/session', { headers: cookie(secret) });
    expect(out.status).toBe(204);
    expect(setCookie(out, 'netroom_session')?.attributes).toContain('Max-Age=0');
    expect(errorCode(await srv.call('GET', '/api/files', { headers: cookie(secret) }))).toBe('NOT_SIGNED_IN');
  });

  it('tokens: made with name and password (or signed in), used as Bearer for files; the upload is alice’s and its notice names her', async () => {
    const made = await srv.call('POST', '/api/tokens', { json: { name: 'alice', password: PASSWORD, label: 'laptop' } });
    expect(made.status).toBe(201);
    const { token, id, account } = made.json<{ token: string; id: string; account: unknown }>();
    expect(token).toMatch(/^nrt_[A-Za-z0-9_-]{43}$/u);
    expect(account).toEqual({ name: 'alice', role: 'member' });
    const bearer = { authorization: `Bearer ${token}` };
    const me = await srv.call('GET', '/api/session', { headers: bearer });
    expect(me.json()).toEqual({ account: { name: 'alice', role: 'member' }, guests: 'on' });
    const shared = nextChatEvent(srv.chat, (e) => e.kind === 'file');
    const put = await request(`${srv.base}/files/notes.txt`, { method: 'PUT', headers: bearer, body: 'by alice' });
    expect(put.status).toBe(201);
    expect(await shared).toMatchObject({ kind: 'file', path: 'notes.txt', name: 'alice' });
    // Hers to overwrite; a guest may not.
    expect((await request(`${srv.base}/files/notes.txt`, { method: 'PUT', headers: bearer, body: 'again' })).status).toBe(200);
    const guestPut = await request(`${srv.base}/files/notes.txt`, { method: 'PUT', body: 'guest' });
    expect([guestPut.status, errorCode(guestPut)]).toEqual([403, 'PERMISSION_DENIED']);
    // The token is listed with the sessions, and a signed-in request may make another one.
    const listed = (await srv.call('GET', '/api/sessions', { headers: bearer })).json<{ sessions: Array<{ id: string; kind: string; label: string; current: boolean }> }>();
    expect(listed.sessions).toContainEqual(expect.objectContaining({ id, kind: 'token', label: 'laptop', current: true }));
    const second = await srv.call('POST', '/api/tokens', { headers: bearer, json: { label: 'phone' } });
    expect(second.status).toBe(201);
    // Revoked, it signs nobody in: 401, never a guest.
    expect((await srv.call('DELETE', `/api/sessions/${id}`, { headers: bearer })).status).toBe(204);
    const after = await srv.call('GET', '/api/files', { headers: bearer });
    expect([after.status, errorCode(after)]).toEqual([401, 'NOT_SIGNED_IN']);
    const made2 = await srv.call('POST', '/api/tokens', { json: { label: 'nobody' } });
    expect([made2.status, errorCode(made2)]).toEqual([401, 'NOT_SIGNED_IN']);
  });

  it('a Bearer secret that is no token, session or the admin token: 401 NOT_SIGNED_IN', async () => {
    for (const secret of [`nrt_${'A'.repeat(43)}`, `nrs_${'B'.repeat(43)}`, 'whatever']) {
      const res = await srv.call('GET', '/api/files', { headers: { authorization: `Bearer ${secret}` } });
      expect([secret, res.status, errorCode(res)]).toEqual([secret, 401, 'NOT_SIGNED_IN']);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/u);
    }
  });

  it('GET /api/accounts: administrators (an admin account, the admin token) only', async () => {
    const rootCookie = cookie(await signIn(srv, 'root'));
    for (const headers of [rootCookie, { authorization: `Bearer ${srv.adminToken}` }]) {
      const res = await srv.call('GET', '/api/accounts', { headers });
      expect(res.status).toBe(200);
      const names = res.json<{ accounts: Array<{ name: string; role: string; createdAt: number }> }>().accounts.map((a) => `${a.name}:${a.role}`);
      expect(names.sort()).toEqual(['alice:member', 'dora:member', 'root:admin']);
    }
    for (const headers of [cookie(await signIn(srv, 'alice')), {}]) {
      const res = await srv.call('GET', '/api/accounts', { headers });
      expect([res.status, errorCode(res)]).toEqual([403, 'PERMISSION_DENIED']);
    }
  });

  it('a cookie-signed-in change from another site’s page is still refused (403 CROSS_ORIGIN)', async () => {
    const headers = { ...cookie(await signIn(srv, 'alice')), origin: 'https://evil.example' };
    const res = await srv.call('POST', '/api/tokens', { headers, json: { label: 'stolen' } });
    expect([res.status, errorCode(res)]).toEqual([403, 'CROSS_ORIGIN']);
    const del = await srv.call('DELETE', '/api/session', { headers });
    expect([del.status, errorCode(del)]).toEqual([403, 'CROSS_ORIGIN']);
  });
});

describe('--guests', () => {
  it('off: a guest gets 401 ACCOUNTS_ONLY on the API and files, but signs in, sees its session, the UI, /healthz and invitations', async () => {
    const srv = await startAccessServer({ guests: 'off' });
    try {
      await srv.access.accounts.add('alice', PASSWORD, 'member');
      for (const [method, pathname] of [['GET', '/api/files'], ['GET', '/files/x.txt'], ['PUT', '/files/x.txt'], ['GET', '/api/rooms'], ['POST', '/api/folders?path=d']]) {
        const res = await srv.call(method ?? '', pathname ?? '');
        expect([pathname, res.status, errorCode(res)]).toEqual([pathname, 401, 'ACCOUNTS_ONLY']);
      }
      expect((await srv.call('GET', '/api/session')).json()).toEqual({ account: null, guests: 'off' });
      expect((await srv.call('GET', '/healthz')).status).toBe(200);
      expect((await srv.call('GET', '/')).status).toBe(200);
      const invitation = await srv.call('GET', `/api/invitations/nri_${'x'.repeat(43)}`);
      expect([invitation.status, errorCode(invitation)]).toEqual([410, 'BAD_INVITATION']);
      const secret = await signIn(srv, 'alice');
      expect((await srv.call('GET', '/api/files', { headers: cookie(secret) })).status).toBe(200);
      expect((await request(`${srv.base}/files/x.txt`, { method: 'PUT', headers: cookie(secret), body: 'x' })).status).toBe(201);
    } finally {
      await srv.close();
    }
  });

  it('read: a guest lists and downloads but may not upload (403); a member uploads', async () => {
    const srv = await startAccessServer({ guests: 'read' });
    try {
      await srv.access.accounts.add('alice', PASSWORD, 'member');
      const secret = await signIn(srv, 'alice');
      expect((await request(`${srv.base}/files/a.txt`, { method: 'PUT', headers: cookie(secret), body: 'a' })).status).toBe(201);
      expect((await srv.call('GET', '/api/files')).status).toBe(200);
      expect((await srv.call('GET', '/files/a.txt')).body.toString()).toBe('a');
      const put = await request(`${srv.base}/files/b.txt`, { method: 'PUT', body: 'b' });
      expect([put.status, errorCode(put)]).toEqual([403, 'PERMISSION_DENIED']);
    } finally {
      await srv.close();
    }
  });
});

/** A non-loopback IPv4 address of this machine, if it has one (containers usually do). */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return undefined;
}

describe('passwords over plain HTTP from another machine', () => {
  const lan = lanAddress();

  it.skipIf(lan === undefined)('are refused (403 PERMISSION_DENIED, use https) unless --allow-plaintext-passwords; loopback is fine', async () => {
    const srv = await startAccessServer({ host: '0.0.0.0' });
    try {
      await srv.access.accounts.add('alice', PASSWORD, 'member');
      const res = await request(`http://${lan ?? ''}:${srv.port}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'alice', password: PASSWORD }),
      });
      expect([res.status, errorCode(res)]).toEqual([403, 'PERMISSION_DENIED']);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(/https/u);
      expect(res.headers['set-cookie']).toBeUndefined();
      await signIn(srv, 'alice'); // from 127.0.0.1
    } finally {
      await srv.close();
    }
  });

  it.skipIf(lan === undefined)('with --allow-plaintext-passwords they are accepted, and someone guessing from another address does not lock the owner out', async () => {
    const srv = await startAccessServer({ host: '0.0.0.0', allowPlaintextPasswords: true });
    try {
      await srv.access.accounts.add('alice', PASSWORD, 'member');
      const fromLan = (password: string): ReturnType<typeof request> =>
        request(`http://${lan ?? ''}:${srv.port}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'alice', password }) });
      for (let i = 0; i < 5; i++) expect(errorCode(await fromLan(`guess ${i} wrong`))).toBe('BAD_CREDENTIALS');
      const limited = await fromLan(PASSWORD);
      expect([limited.status, errorCode(limited)]).toEqual([429, 'RATE_LIMITED']);
      await signIn(srv, 'alice'); // the owner, from 127.0.0.1
    } finally {
      await srv.close();
    }
  });
});
