// curl against the HTTP API as the README tells people to: a token as Bearer to upload, and a cookie jar to sign in and then upload.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessServer, type AccessServer } from './helpers/access-server.js';
import { nextChatEvent } from './helpers/http.js';

const run = promisify(execFile);
const PASSWORD = 'correct horse battery';

/** curl with the given arguments; stdout, and the HTTP status written last by -w. */
async function curl(args: string[]): Promise<{ body: string; status: number }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args], { timeout: 20_000 });
  const cut = stdout.lastIndexOf('\n');
  return { body: stdout.slice(0, cut), status: Number(stdout.slice(cut + 1)) };
}

describe('curl', () => {
  let srv: AccessServer;
  let local: string;
  beforeAll(async () => {
    srv = await startAccessServer();
    await srv.access.accounts.add('alice', PASSWORD, 'member');
    local = path.join(srv.data, 'curl');
    await fs.mkdir(local);
    await fs.writeFile(path.join(local, 'report.txt'), 'quarterly numbers\n');
  });
  afterAll(() => srv.close());

  it('makes a token with name and password, then uploads with -H "Authorization: Bearer nrt_..." as alice', async () => {
    const made = await curl(['-H', 'Content-Type: application/json', '-d', JSON.stringify({ name: 'alice', password: PASSWORD, label: 'curl' }), `${srv.base}/api/tokens`]);
    expect(made.status).toBe(201);
    const { token } = JSON.parse(made.body) as { token: string };
    expect(token).toMatch(/^nrt_/u);
    const shared = nextChatEvent(srv.chat, (e) => e.kind === 'file');
    const put = await curl(['-H', `Authorization: Bearer ${token}`, '-T', path.join(local, 'report.txt'), `${srv.base}/files/report.txt`]);
    expect(put.status).toBe(201);
    expect(await shared).toMatchObject({ kind: 'file', path: 'report.txt', name: 'alice' });
    expect(await srv.server.library.ownerOf('report.txt')).toEqual({ role: 'member', name: 'alice' });
    const bad = await curl(['-H', `Authorization: Bearer nrt_${'x'.repeat(43)}`, '-T', path.join(local, 'report.txt'), `${srv.base}/files/other.txt`]);
    expect(bad.status).toBe(401);
  });

  it('signs in into a cookie jar (-c), uploads with it (-b), signs out, and the jar no longer works', async () => {
    const jar = path.join(local, 'cookies.txt');
    const signIn = await curl(['-c', jar, '-H', 'Content-Type: application/json', '-d', JSON.stringify({ name: 'alice', password: PASSWORD }), `${srv.base}/api/session`]);
    expect([signIn.status, JSON.parse(signIn.body) as unknown]).toEqual([200, { account: { name: 'alice', role: 'member' } }]);
    // curl writes HttpOnly cookies with a #HttpOnly_ prefix in its jar.
    expect(await fs.readFile(jar, 'utf8')).toMatch(/#HttpOnly_127\.0\.0\.1\tFALSE\t\/\tFALSE\t\d+\tnetroom_session\tnrs_/u);
    const put = await curl(['-b', jar, '-T', path.join(local, 'report.txt'), `${srv.base}/files/jar.txt`]);
    expect(put.status).toBe(201);
    expect(await srv.server.library.ownerOf('jar.txt')).toEqual({ role: 'member', name: 'alice' });
    expect((await curl(['-b', jar, '-c', jar, '-X', 'DELETE', `${srv.base}/api/session`])).status).toBe(204);
    const after = await curl(['-b', jar, `${srv.base}/api/session`]);
    expect(JSON.parse(after.body)).toMatchObject({ account: null });
  });
});
