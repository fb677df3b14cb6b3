// HTTP door, WebDAV MOVE: bad Destination and Overwrite values, the same-origin guard on cookie-signed moves, Allow listing MOVE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCookie } from './helpers/access-server.js';
import { errorCode, request } from './helpers/http.js';
import { PASSWORD, startMoveRig, type MoveRig } from './helpers/http-move.js';

let rig: MoveRig;
beforeAll(async () => {
  rig = await startMoveRig();
  await rig.mkdir('sub');
  await rig.put('src.txt', 'source\n');
});
afterAll(() => rig.close());

describe('a bad Destination is a clear 4xx (or 502 for another server) and changes nothing', () => {
  it('refuses each one', async () => {
    const { base, port } = rig.srv;
    const cases: Array<[string | undefined, number, string]> = [
      [undefined, 400, 'BAD_REQUEST'],
      ['', 400, 'BAD_REQUEST'],
      ['x.txt', 400, 'BAD_REQUEST'],
      ['/elsewhere/x.txt', 400, 'BAD_REQUEST'],
      ['/files', 400, 'BAD_REQUEST'],
      ['/files/', 400, 'BAD_PATH'],
      ['/files/x.txt?y=1', 400, 'BAD_REQUEST'],
      ['/files/x.txt#top', 400, 'BAD_REQUEST'],
      ['/files/%E0%A4%A', 400, 'BAD_REQUEST'],
      ['/files/src.txt', 400, 'BAD_REQUEST'],
      ['/files/./src.txt', 400, 'BAD_REQUEST'],
      [`ftp://127.0.0.1:${port}/files/x.txt`, 400, 'BAD_REQUEST'],
      ['http:///files/x.txt', 400, 'BAD_REQUEST'],
      ['http://example.com/files/x.txt', 502, 'BAD_GATEWAY'],
      ['//example.com/files/x.txt', 502, 'BAD_GATEWAY'],
      [`http://127.0.0.1:${port === 1 ? 2 : 1}/files/x.txt`, 502, 'BAD_GATEWAY'],
      [`https://127.0.0.1:${port}/files/x.txt`, 502, 'BAD_GATEWAY'],
      ['/files/../x.txt', 403, 'OUTSIDE_ROOT'],
      ['/files/%2e%2e/x.txt', 403, 'OUTSIDE_ROOT'],
      ['/files/sub/../../x.txt', 403, 'OUTSIDE_ROOT'],
      [`${base}/files/sub/../../x.txt`, 403, 'OUTSIDE_ROOT'],
      ['/files/.hidden.txt', 403, 'HIDDEN_PATH'],
      ['/files/sub/.git/x.txt', 403, 'HIDDEN_PATH'],
      ['/files/.netroom/owners.txt', 403, 'HIDDEN_PATH'],
      ['/files/a%00b.txt', 400, 'BAD_PATH'],
    ];
    const before = await rig.snapshot();
    for (const [destination, status, code] of cases) {
      const res = await rig.move('src.txt', destination, rig.alice);
      expect([destination, res.status, errorCode(res)]).toEqual([destination, status, code]);
    }
    expect(await rig.snapshot()).toEqual(before);
  });

  it('says what is wrong in words that name the Destination', async () => {
    const missing = await rig.move('src.txt', undefined, rig.alice);
    expect(missing.json<{ error: { message: string } }>().error.message).toMatch(/no Destination header.*Destination: \/files\/PATH/u);
    const outside = await rig.move('src.txt', '/files/../x.txt', rig.alice);
    expect(outside.json<{ error: { message: string } }>().error.message).toMatch(/^the Destination: /u);
    const other = await rig.move('src.txt', 'http://example.com/files/x.txt', rig.alice);
    expect(other.json<{ error: { message: string } }>().error.message).toMatch(/http:\/\/example\.com is another server/u);
  });

  it('refuses an Overwrite other than T or F, and a source outside the root or hidden', async () => {
    const before = await rig.snapshot();
    const bad = await rig.move('src.txt', '/files/x.txt', { ...rig.alice, overwrite: 'maybe' });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
    const dotdot = await request({ port: rig.srv.port, path: '/files/%2e%2e/etc/passwd' }, { method: 'MOVE', headers: { ...rig.alice, destination: '/files/passwd' } });
    expect([dotdot.status, errorCode(dotdot)]).toEqual([403, 'OUTSIDE_ROOT']);
    const hidden = await rig.move('.netroom', '/files/visible', rig.alice);
    expect([hidden.status, errorCode(hidden)]).toEqual([403, 'HIDDEN_PATH']);
    const root = await request({ port: rig.srv.port, path: '/files/' }, { method: 'MOVE', headers: { ...rig.alice, destination: '/files/rooted' } });
    expect([root.status, errorCode(root)]).toEqual([400, 'BAD_PATH']);
    expect(await rig.snapshot()).toEqual(before);
  });
});

describe('the same-origin guard on MOVE (a state change)', () => {
  it('refuses a cookie-signed MOVE from another site (Origin or Sec-Fetch-Site), allows it from the server\'s own page', async () => {
    const signIn = await rig.srv.call('POST', '/api/session', { json: { name: 'alice', password: PASSWORD } });
    const cookie = setCookie(signIn, 'netroom_session');
    if (cookie === undefined) throw new Error(`no session cookie: ${signIn.status}`);
    const jar = { cookie: `netroom_session=${cookie.value}` };
    await rig.put('guarded.txt', 'guarded\n');
    const before = await rig.snapshot();
    const evil = await rig.move('guarded.txt', '/files/stolen.txt', { ...jar, origin: 'http://evil.example' });
    expect([evil.status, errorCode(evil)]).toEqual([403, 'CROSS_ORIGIN']);
    const site = await rig.move('guarded.txt', '/files/stolen.txt', { ...jar, 'sec-fetch-site': 'cross-site' });
    expect([site.status, errorCode(site)]).toEqual([403, 'CROSS_ORIGIN']);
    expect(await rig.snapshot()).toEqual(before);
    const own = await rig.move('guarded.txt', '/files/moved-by-page.txt', { ...jar, origin: rig.srv.base, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(201);
    expect(await rig.srv.server.library.ownerOf('moved-by-page.txt')).toEqual({ role: 'member', name: 'alice' });
  });
});

describe('Allow', () => {
  it('lists MOVE for a file path; MOVE where it means nothing is a 405 with that path\'s Allow', async () => {
    const wrong = await request(`${rig.srv.base}/files/src.txt`, { method: 'PATCH', headers: rig.alice, body: 'x' });
    expect([wrong.status, wrong.headers.allow]).toEqual([405, 'GET, HEAD, PUT, DELETE, MOVE']);
    const api = await request(`${rig.srv.base}/api/files`, { method: 'MOVE', headers: { ...rig.alice, destination: '/files/x.txt' } });
    expect([api.status, errorCode(api), api.headers.allow]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET']);
  });
});
