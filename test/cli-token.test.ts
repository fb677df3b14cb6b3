// `netroom token create|list|revoke` and `netroom invite` from the built CLI against a running server's data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startAccessRig, type AccessRig } from './helpers/cli-access.js';

const SLOW = { timeout: 120_000 };
let rig: AccessRig;

beforeAll(async () => {
  rig = await startAccessRig();
  await rig.server.access?.accounts.add('ann', 'ann-password', 'member');
});
afterAll(async () => {
  await rig.close();
});

/** GET /api/session with a bearer token: who the server thinks we are. */
async function whoAmI(token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${rig.base}/api/session`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe('netroom token', () => {
  it('creates a token printed once that the running server takes, lists it, revokes it', SLOW, async () => {
    const made = await cli(['token', 'create', 'ANN', '--label', 'ci job', '--data', rig.data]);
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^nrt_[A-Za-z0-9_-]{43}$/u);
    const id = /^token ([0-9a-f]+) for ann \("ci job"\)/u.exec(made.stderr)?.[1];
    expect(id).toBeDefined();
    expect(await whoAmI(token)).toMatchObject({ status: 200, body: { account: { name: 'ann', role: 'member' } } });

    const list = await cli(['token', 'list', 'ann', '--data', rig.data]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^ID +KIND +CREATED +LAST USED +EXPIRES +LABEL\\n${id} +token +\\S+ \\S+ +\\S+ \\S+ +never +ci job\\n$`, 'u'));
    expect(list.stdout).not.toContain(token);

    expect(await cli(['token', 'revoke', 'ann', id ?? '', '--data', rig.data])).toMatchObject({ code: 0, stdout: `revoked ${id} of ann\n` });
    expect(await whoAmI(token)).toMatchObject({ status: 401, body: { error: { code: 'NOT_SIGNED_IN' } } });
    expect(await cli(['token', 'list', 'ann', '--data', rig.data])).toMatchObject({ code: 0, stdout: 'ann has no tokens or sessions\n' });
  });

  it('refuses an unknown account or id with one line, exit 1', SLOW, async () => {
    expect(await cli(['token', 'create', 'nobody', '--data', rig.data])).toMatchObject({ code: 1, stdout: '', stderr: 'netroom token create: no account is called nobody\n' });
    expect(await cli(['token', 'revoke', 'ann', 'feedfacecafe', '--data', rig.data])).toMatchObject({
      code: 1,
      stderr: 'netroom token revoke: ann has no token or session feedfacecafe (netroom token list ann shows them)\n',
    });
  });
});

describe('netroom invite', () => {
  it('prints a single-use link the server knows, with the role and expiry asked for', SLOW, async () => {
    const run = await cli(['invite', '--role', 'admin', '--expires', '2h', '--url', `${rig.base}/`, '--data', rig.data]);
    expect(run.code).toBe(0);
    const secret = new RegExp(`^${rig.base}/join/(nri_[A-Za-z0-9_-]{43})\\n$`, 'u').exec(run.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(run.stderr).toMatch(/^an invitation to become an admin, for one person, valid until /u);
    const res = await fetch(`${rig.base}/api/invitations/${secret}`);
    const offer = (await res.json()) as { role: string; expiresAt: number };
    expect(offer.role).toBe('admin');
    expect(offer.expiresAt - Date.now()).toBeLessThanOrEqual(2 * 60 * 60 * 1000);
    expect(offer.expiresAt - Date.now()).toBeGreaterThan(60 * 60 * 1000);
  });

  it('takes the address from NETROOM_PUBLIC_URL, else the default; a bad --expires or role changes nothing', SLOW, async () => {
    const fromEnv = await cli(['invite', '--data', rig.data], { env: { NETROOM_PUBLIC_URL: 'https://chat.example.org/netroom,https://other.example' } });
    expect(fromEnv.stdout).toMatch(/^https:\/\/chat\.example\.org\/netroom\/join\/nri_/u);
    expect((await cli(['invite', '--data', rig.data])).stdout).toMatch(/^http:\/\/127\.0\.0\.1:8080\/join\/nri_/u);
    expect(await cli(['invite', '--expires', 'soon', '--data', rig.data])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^netroom invite: --expires takes a whole number and a unit/u) as unknown });
    expect(await cli(['invite', '--role', 'guest', '--data', rig.data])).toMatchObject({ code: 2, stdout: '' });
  });
});
