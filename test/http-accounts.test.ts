// Invitations over HTTP (made by administrators, looked at and redeemed once for an account and a session) and the account routes' edges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCookie, startAccessServer, type AccessServer } from './helpers/access-server.js';
import { errorCode } from './helpers/http.js';

const PASSWORD = 'correct horse battery';

describe('invitations', () => {
  let srv: AccessServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    srv = await startAccessServer();
    admin = { authorization: `Bearer ${srv.adminToken}` };
    await srv.access.accounts.add('alice', PASSWORD, 'member');
  });
  afterAll(() => srv.close());

  const invite = async (json: unknown = {}): Promise<{ link: string; secret: string; expiresAt: number; role: string }> => {
    const res = await srv.call('POST', '/api/invitations', { headers: admin, json });
    expect(res.status).toBe(201);
    return res.json();
  };

  it('an administrator makes a link on this server; looked at, it says the role and expiry; redeemed, it makes the account and signs it in', async () => {
    const before = Date.now();
    const made = await invite({ expiresInMs: 60_000 });
    expect(made.secret).toMatch(/^nri_[A-Za-z0-9_-]{43}$/u);
    expect(made.link).toBe(`${srv.base}/join/${made.secret}`);
    expect(made.role).toBe('member');
    expect(made.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    const peek = await srv.call('GET', `/api/invitations/${made.secret}`);
    expect([peek.status, peek.json()]).toEqual([200, { role: 'member', expiresAt: made.expiresAt }]);
    const page = await srv.call('GET', `/join/${made.secret}`);
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    const redeemed = await srv.call('POST', `/api/invitations/${made.secret}`, { json: { name: 'newbie', password: PASSWORD } });
    expect([redeemed.status, redeemed.json()]).toEqual([201, { account: { name: 'newbie', role: 'member' } }]);
    const session = setCookie(redeemed, 'netroom_session');
    expect(session?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax']));
    const me = await srv.call('GET', '/api/session', { headers: { cookie: `netroom_session=${session?.value ?? ''}` } });
    expect(me.json()).toMatchObject({ account: { name: 'newbie', role: 'member' } });
    expect(srv.access.accounts.find('newbie')).toMatchObject({ role: 'member' });
  });

  it('is single use: a second redemption (or look) is 410 BAD_INVITATION and makes nothing', async () => {
    const { secret } = await invite();
    expect((await srv.call('POST', `/api/invitations/${secret}`, { json: { name: 'first', password: PASSWORD } })).status).toBe(201);
    const again = await srv.call('POST', `/api/invitations/${secret}`, { json: { name: 'second', password: PASSWORD } });
    expect([again.status, errorCode(again), again.headers['set-cookie']]).toEqual([410, 'BAD_INVITATION', undefined]);
    expect(errorCode(await srv.call('GET', `/api/invitations/${secret}`))).toBe('BAD_INVITATION');
    expect(srv.access.accounts.find('second')).toBeUndefined();
  });

  it('a name already taken (any look-alike) or a short password is refused, and the link stays usable', async () => {
    const { secret } = await invite();
    const taken = await srv.call('POST', `/api/invitations/${secret}`, { json: { name: 'ALICE', password: PASSWORD } });
    expect([taken.status, errorCode(taken)]).toEqual([409, 'NAME_TAKEN']);
    const short = await srv.call('POST', `/api/invitations/${secret}`, { json: { name: 'bob', password: 'x' } });
    expect([short.status, errorCode(short)]).toEqual([400, 'BAD_PASSWORD']);
    expect((await srv.call('GET', `/api/invitations/${secret}`)).status).toBe(200);
  });

  it('an admin invitation makes an administrator', async () => {
    const { secret, role } = await invite({ role: 'admin' });
    expect(role).toBe('admin');
    const res = await srv.call('POST', `/api/invitations/${secret}`, { json: { name: 'boss', password: PASSWORD } });
    expect(res.json()).toEqual({ account: { name: 'boss', role: 'admin' } });
  });

  it('only administrators invite (403), with a role of member or admin and a positive expiry (400); a made-up link is 410', async () => {
    const login = await srv.call('POST', '/api/session', { json: { name: 'alice', password: PASSWORD } });
    const member = { cookie: `netroom_session=${setCookie(login, 'netroom_session')?.value ?? ''}` };
    for (const headers of [member, {}]) {
      const res = await srv.call('POST', '/api/invitations', { headers, json: {} });
      expect([res.status, errorCode(res)]).toEqual([403, 'PERMISSION_DENIED']);
    }
    for (const json of [{ role: 'guest' }, { role: 'owner' }, { expiresInMs: -5 }, { expiresInMs: 'soon' }]) {
      const res = await srv.call('POST', '/api/invitations', { headers: admin, json });
      expect([JSON.stringify(json), res.status, errorCode(res)]).toEqual([JSON.stringify(json), 400, 'BAD_REQUEST']);
    }
    const made = await srv.call('GET', `/api/invitations/nri_${'z'.repeat(43)}`);
    expect([made.status, errorCode(made)]).toEqual([410, 'BAD_INVITATION']);
  });

  it('a known path with the wrong method is 405 with Allow', async () => {
    const res = await srv.call('PUT', '/api/session');
    expect([res.status, errorCode(res), res.headers.allow]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET, POST, DELETE']);
  });
});
