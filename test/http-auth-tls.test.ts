// Signing in over HTTPS: the session cookie is Secure there, and a password is accepted from any address.
import * as https from 'node:https';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessServer, type AccessServer } from './helpers/access-server.js';
import { makeTestCert, type TestCert } from './helpers/tls.js';

describe('sign-in over HTTPS', () => {
  let cert: TestCert;
  let srv: AccessServer;
  beforeAll(async () => {
    cert = await makeTestCert();
    srv = await startAccessServer({ tlsCert: cert.certFile, tlsKey: cert.keyFile });
    await srv.access.accounts.add('alice', 'correct horse battery', 'member');
  });
  afterAll(async () => {
    await srv.close();
    await cert.remove();
  });

  it('POST /api/session sets a Secure, HttpOnly, SameSite=Lax cookie, and signing out clears it as Secure too', async () => {
    const post = (path: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<IncomingMessage> => {
      const req = https.request(`${srv.base}${path}`, { method, ca: cert.cert, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } });
      req.end(body);
      return once(req, 'response').then(([res]) => res as IncomingMessage);
    };
    const res = await post('/api/session', 'POST', JSON.stringify({ name: 'alice', password: 'correct horse battery' }));
    res.resume();
    expect(res.statusCode).toBe(200);
    const line = res.headers['set-cookie']?.[0] ?? '';
    expect(line).toMatch(/^netroom_session=nrs_[A-Za-z0-9_-]{43};/u);
    expect(line.split('; ')).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/']));
    const secret = line.split(';')[0] ?? '';
    const out = await post('/api/session', 'DELETE', undefined, { cookie: secret });
    out.resume();
    expect(out.statusCode).toBe(204);
    expect(out.headers['set-cookie']?.[0]?.split('; ')).toEqual(expect.arrayContaining(['Max-Age=0', 'Secure']));
  });
});
