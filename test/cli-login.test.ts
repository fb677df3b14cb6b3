// `netroom login` / `logout` from the built CLI: the token kept 0600 under XDG_CONFIG_HOME, then put, ls and chat go as the account.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, nextEvent, startAccessRig, type AccessRig } from './helpers/cli-access.js';

const SLOW = { timeout: 120_000 };
const PASSWORD = 'ann-password-1';
let rig: AccessRig;
let env: NodeJS.ProcessEnv;
let file: string;

beforeAll(async () => {
  rig = await startAccessRig();
  await rig.server.access?.accounts.add('ann', PASSWORD, 'member');
  env = { XDG_CONFIG_HOME: rig.config, HOME: rig.local };
  file = path.join(rig.config, 'netroom', 'credentials.json');
});
afterAll(async () => {
  await rig.close();
});

interface Stored {
  servers: Record<string, { url: string; token: string; id: string; account: string; role: string }>;
}

async function stored(): Promise<Stored> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Stored;
}

async function whoAmI(token: string): Promise<number> {
  return (await fetch(`${rig.base}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('netroom login', () => {
  it('a wrong password stores nothing; the right one keeps a token for the origin in a 0600 file in a 0700 folder', SLOW, async () => {
    const wrong = await cli(['login', rig.base, '--name', 'ann', '--password-stdin'], { input: 'not-the-password\n', env });
    expect(wrong).toMatchObject({ code: 1, stdout: '', stderr: 'netroom login: BAD_CREDENTIALS: wrong name or password\n' });
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    // Without a terminal the name must come as a flag.
    expect(await cli(['login', rig.base, '--password-stdin'], { input: PASSWORD, env })).toMatchObject({ code: 2, stderr: expect.stringMatching(/--name/u) as unknown });

    const run = await cli(['login', `${rig.base}/`, '--name', 'ANN', '--password-stdin'], { input: `${PASSWORD}\n`, env });
    expect(run).toMatchObject({ code: 0, stdout: `signed in to ${rig.base} as ann (member); the token is kept in ${file}\n`, stderr: '' });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const login = (await stored()).servers[rig.base];
    expect(login).toMatchObject({ url: rig.base, account: 'ann', role: 'member', token: expect.stringMatching(/^nrt_/u) as unknown });
    expect(await whoAmI(login?.token ?? '')).toBe(200);
    // The server lists it under the label login gave it.
    const tokens = rig.server.access?.credentials.list('ann') ?? [];
    expect(tokens.map((t) => t.label)).toEqual([expect.stringMatching(/^netroom login on /u)]);
  });

  it('put uploads as the account (the file notice names it); --token and NETROOM_TOKEN override the stored token', SLOW, async () => {
    const local = path.join(rig.local, 'notes.txt');
    await fs.writeFile(local, 'from ann\n');
    const from = rig.events.length;
    const put = await cli(['put', local, `${rig.base}/`], { env });
    expect(put).toMatchObject({ code: 0, stdout: expect.stringMatching(/^sent .*notes\.txt -> notes\.txt/u) as unknown });
    expect(await nextEvent(rig, 'file', (e) => e.path === 'notes.txt', from)).toMatchObject({ name: 'ann' });
    expect((await cli(['ls', `${rig.base}/`], { env })).stdout).toMatch(/notes\.txt/u);

    const bad = 'nrt_' + 'x'.repeat(43);
    const flag = await cli(['ls', `${rig.base}/`, '--token', bad], { env });
    expect(flag).toMatchObject({ code: 1, stderr: expect.stringMatching(/^netroom ls: NOT_SIGNED_IN: .*\(the server refused the --token given: check it\)\n$/u) as unknown });
    const fromEnv = await cli(['ls', `${rig.base}/`], { env: { ...env, NETROOM_TOKEN: bad } });
    expect(fromEnv.stderr).toMatch(/the server refused NETROOM_TOKEN/u);
  });

  it('the terminal chat enters signed in as the account, no name asked', SLOW, async () => {
    const from = rig.events.length;
    const run = await cli(['chat', rig.base], { input: 'hello as ann\n/quit\n', env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/signed in as ann \(member\) with the stored token/u);
    expect(run.stdout).not.toMatch(/name: /u);
    expect(await nextEvent(rig, 'message', (e) => e.text === 'hello as ann', from)).toMatchObject({ name: 'ann' });
  });

  it('logout forgets the token and the server revokes it; a second logout says there is nothing to do', SLOW, async () => {
    const token = (await stored()).servers[rig.base]?.token ?? '';
    expect(await cli(['logout'], { env })).toMatchObject({ code: 0, stdout: `signed out of ${rig.base}: the server revoked the token\n` });
    expect((await stored()).servers).toEqual({});
    expect(await whoAmI(token)).toBe(401);
    expect(await cli(['logout', rig.base], { env })).toMatchObject({ code: 1, stderr: `netroom logout: not signed in to ${rig.base}\n` });
    // Signed out, the file commands go as a guest again.
    expect(await cli(['ls', `${rig.base}/`], { env })).toMatchObject({ code: 0 });
  });
});
