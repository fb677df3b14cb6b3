// `netroom kick|ban|unban|mute|unmute|bans` from the built CLI against a running server: members removed at once, who may, bad usage.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsChatError } from '../src/client/ws.js';
import { saveLogin } from '../src/client/logins.js';
import { cli, nextEvent, startAccessRig, wsMember, type AccessRig } from './helpers/cli-access.js';

const SLOW = { timeout: 120_000 };
let rig: AccessRig;
/** No NETROOM_DATA, no login: only what each test gives. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  rig = await startAccessRig();
  env = { XDG_CONFIG_HOME: rig.config, HOME: rig.local };
});
afterAll(async () => {
  await rig.close();
});

function lost(client: { once(event: 'lost', listener: (err: WsChatError) => void): unknown }): Promise<WsChatError> {
  return new Promise((resolve) => client.once('lost', resolve));
}

describe('netroom kick and ban with the admin token of --data', () => {
  it('kick removes a member from the server (it hears why, and stays away) or from one room', SLOW, async () => {
    const mallory = await wsMember(rig, { name: 'mallory' });
    const gone = lost(mallory.client);
    const run = await cli(['kick', 'mallory', '--reason', 'spamming', '--url', rig.base, '--data', rig.data], { env });
    expect(run).toMatchObject({ code: 0, stdout: 'removed mallory from the server\n', stderr: '' });
    expect(await gone).toMatchObject({ code: 'KICKED', message: expect.stringMatching(/spamming/u) as unknown });
    expect(rig.server.chat.find('mallory')).toBeUndefined();

    const eve = await wsMember(rig, { name: 'eve' });
    await eve.client.join('#dev');
    const from = rig.events.length;
    const room = await cli(['kick', 'eve', '--room', '#dev', '--url', rig.base, '--data', rig.data], { env });
    expect(room).toMatchObject({ code: 0, stdout: 'kicked eve out of #dev\n' });
    expect(await nextEvent(rig, 'kick', (e) => e.target === 'eve', from)).toMatchObject({ room: '#dev' });
    expect(rig.server.chat.find('eve')).toBeDefined();
    expect(eve.client.rooms).toEqual(['#lobby']);
    eve.client.close();
  });

  it('ban removes the member, keeps the name out, is listed, and unban lets it back; mute and unmute by id', SLOW, async () => {
    const troll = await wsMember(rig, { name: 'troll' });
    const gone = lost(troll.client);
    const ban = await cli(['ban', '--name', 'TROLL', '--for', '1h', '--reason', 'flooding', '--url', rig.base, '--data', rig.data], { env });
    expect(ban.code).toBe(0);
    expect(ban.stdout).toMatch(/^banned name TROLL server-wide until \d{4}-\d\d-\d\d \d\d:\d\d \(id \d+\)\n$/u);
    expect(await gone).toMatchObject({ code: 'BANNED' });
    await expect(wsMember(rig, { name: 'troll' })).rejects.toMatchObject({ code: 'BANNED' });

    const mute = await cli(['mute', '--name', 'chatty', '--room', '#dev', '--url', rig.base, '--data', rig.data], { env });
    expect(mute.stdout).toMatch(/^muted name chatty in #dev for ever \(id \d+\)\n$/u);
    const list = await cli(['bans', '--url', rig.base, '--data', rig.data], { env });
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +TYPE +ROOM +KIND +VALUE +UNTIL +BY +REASON$/u);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/u).slice(1, 5))).toEqual([
      ['ban', '*', 'name', 'TROLL'],
      ['mute', '#dev', 'name', 'chatty'],
    ]);
    const muteId = /^(\d+) +mute/mu.exec(list.stdout)?.[1];
    expect((await cli(['bans', '--room', '#dev', '--url', rig.base, '--data', rig.data], { env })).stdout).not.toMatch(/TROLL/u);

    expect(await cli(['unban', '--name', 'troll', '--url', rig.base, '--data', rig.data], { env })).toMatchObject({ code: 0, stdout: 'lifted the ban on name troll\n' });
    const back = await wsMember(rig, { name: 'troll' });
    expect(back.welcome.name).toBe('troll');
    back.client.close();
    expect(await cli(['unmute', '--id', muteId ?? '', '--url', rig.base, '--data', rig.data], { env })).toMatchObject({ code: 0, stdout: `lifted the mute on id ${muteId}\n` });
    expect(await cli(['bans', '--url', rig.base, '--data', rig.data], { env })).toMatchObject({ code: 0, stdout: 'no bans or mutes\n' });
    // Lifting what is not there is the server's NOT_FOUND.
    expect(await cli(['unban', '--name', 'troll', '--url', rig.base, '--data', rig.data], { env })).toMatchObject({ code: 1, stderr: expect.stringMatching(/^netroom unban: NOT_FOUND/u) as unknown });
  });
});

describe('who may moderate from the CLI', () => {
  it("an admin account's stored login works without --data; a member's is refused, and says which token was sent", SLOW, async () => {
    const access = rig.server.access;
    await access?.accounts.add('boss', 'boss-password', 'admin');
    await access?.accounts.add('pleb', 'pleb-password', 'member');
    const target = await wsMember(rig, { name: 'victim' });
    const config = path.join(rig.local, 'member-config');
    await saveLogin(rig.base, { url: rig.base, token: access?.credentials.create('pleb', 'token', 't').secret ?? '', account: 'pleb' }, { XDG_CONFIG_HOME: config });
    const refused = await cli(['kick', 'victim', '--url', rig.base], { env: { XDG_CONFIG_HOME: config } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^netroom kick: PERMISSION_DENIED: .*\(sent the login of pleb \(netroom login\)\)\n$/u);
    expect(rig.server.chat.find('victim')).toBeDefined();

    await saveLogin(rig.base, { url: rig.base, token: access?.credentials.create('boss', 'token', 't').secret ?? '', account: 'boss' }, env);
    const gone = lost(target.client);
    expect(await cli(['kick', 'victim', '--url', rig.base], { env })).toMatchObject({ code: 0 });
    expect(await gone).toMatchObject({ code: 'KICKED', message: expect.stringMatching(/boss/u) as unknown });
    // announce takes the admin account's login too when no admin token is at hand; a member's is refused.
    const from = rig.events.length;
    expect(await cli(['announce', 'from boss', '--url', rig.base], { env, cwd: rig.local })).toMatchObject({ code: 0 });
    expect(await nextEvent(rig, 'announce', (e) => e.text === 'from boss', from)).toBeDefined();
    expect(await cli(['announce', 'from pleb', '--url', rig.base], { env: { XDG_CONFIG_HOME: config }, cwd: rig.local })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/PERMISSION_DENIED.*admin account's token is needed/u) as unknown,
    });
  });

  it('bad usage is exit 2 and sends nothing', SLOW, async () => {
    for (const args of [['ban'], ['ban', '--name', 'a', '--account', 'b'], ['ban', '--name', 'a', '--for', 'ever'], ['unban', '--id', 'x'], ['unmute']]) {
      // A data folder with no admin token: the usage mistake is found before any token is looked for.
      const run = await cli([...args, '--url', rig.base, '--data', path.join(rig.local, 'no-data')], { env });
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    // No login, no --data, and no ./netroom-data where it runs: no token to send.
    const none = await cli(['bans', '--url', rig.base], { env: { XDG_CONFIG_HOME: path.join(rig.local, 'empty'), HOME: rig.local }, cwd: rig.local });
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/no administrator token/u) as unknown });
    expect(await cli(['bans', '--url', rig.base, '--data', rig.data], { env })).toMatchObject({ stdout: 'no bans or mutes\n' });
  });
});
