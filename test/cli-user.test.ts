// `netroom user add|list|passwd|role|del` from the built CLI: on a data folder alone, on a running server's (seen at once), errors, and serve's first-run line.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WsChatError } from '../src/client/ws.js';
import { Access } from '../src/core/access/access.js';
import { ACCESS_FILE, SqliteAccessStore } from '../src/store/access-sqlite.js';
import { CliProcess } from './helpers/cli.js';
import { cli, startAccessRig, wsMember, type AccessRig } from './helpers/cli-access.js';
import { eventually } from './helpers/netroom.js';

/** Each test spawns the CLI many times (about a second each on a busy machine). */
const SLOW = { timeout: 120_000 };

const PASSWORD = 'correct horse battery';
let data: string;
let rig: AccessRig | undefined;

beforeAll(async () => {
  data = path.join(await fs.mkdtemp(path.join(tmpdir(), 'netroom-cli-user-')), 'data');
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The accounts in a data folder, read the way the server reads them. */
function accountsIn(dir: string): { name: string; role: string }[] {
  const access = new Access(SqliteAccessStore.open(path.join(dir, ACCESS_FILE)));
  try {
    return access.accounts.list().map(({ name, role }) => ({ name, role }));
  } finally {
    access.close();
  }
}

describe('netroom user on a data folder', () => {
  it('adds, lists, changes the password and role of, and deletes accounts; never shows a password', SLOW, async () => {
    const add = await cli(['user', 'add', 'Ann', '--role', 'admin', '--password-stdin', '--data', data], { input: `${PASSWORD}\n` });
    expect(add).toMatchObject({ code: 0, stdout: 'added admin Ann\n', stderr: '' });
    expect(await cli(['user', 'add', 'bob', '--password-stdin'], { input: 'bob-password', env: { NETROOM_DATA: data } })).toMatchObject({ code: 0, stdout: 'added member bob\n' });
    // A new data folder is the user's only; the database holds password hashes.
    expect((await fs.stat(data)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.join(data, ACCESS_FILE))).mode & 0o777).toBe(0o600);

    const list = await cli(['user', 'list', '--data', data]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME +ROLE +CREATED\nAnn +admin +\d{4}-\d\d-\d\d \d\d:\d\d\nbob +member +\d{4}-\d\d-\d\d \d\d:\d\d\n$/u);

    const passwd = await cli(['user', 'passwd', 'BOB', '--password-stdin', '--data', data], { input: 'new-bob-password\r\n' });
    expect(passwd).toMatchObject({ code: 0, stdout: 'changed the password of bob\n' });
    const access = new Access(SqliteAccessStore.open(path.join(data, ACCESS_FILE)));
    try {
      await expect(access.accounts.verify('bob', 'new-bob-password', '127.0.0.1')).resolves.toMatchObject({ name: 'bob' });
    } finally {
      access.close();
    }

    expect(await cli(['user', 'role', 'bob', 'admin', '--data', data])).toMatchObject({ code: 0, stdout: 'bob is now an admin\n' });
    expect(accountsIn(data)).toEqual([
      { name: 'Ann', role: 'admin' },
      { name: 'bob', role: 'admin' },
    ]);
    expect(await cli(['user', 'del', 'bob', '--data', data])).toMatchObject({ code: 0, stdout: 'deleted admin bob with its sessions and tokens\n' });
    expect(accountsIn(data)).toEqual([{ name: 'Ann', role: 'admin' }]);
    for (const run of [add, list, passwd]) expect(run.stdout + run.stderr).not.toMatch(/horse|bob-password/u);
  });

  it('refuses bad input with one line and a non-zero exit, and changes nothing', SLOW, async () => {
    const dir = path.join(path.dirname(data), 'refusals');
    await cli(['user', 'add', 'carol', '--password-stdin', '--data', dir], { input: PASSWORD });
    const cases: [string[], string, number, RegExp][] = [
      [['user', 'add', 'two words'], PASSWORD, 1, /^netroom user add: a name cannot contain spaces/u],
      [['user', 'add', '#room'], PASSWORD, 1, /^netroom user add: a name cannot start with/u],
      [['user', 'add', 'CAROL'], PASSWORD, 1, /^netroom user add: an account already has the name carol \(which reads like CAROL\)/u],
      [['user', 'add', 'ｃａｒｏｌ'], PASSWORD, 1, /^netroom user add: an account already has the name carol/u],
      [['user', 'add', 'dave'], 'short', 1, /^netroom user add: a password needs at least 8 characters/u],
      [['user', 'add', 'dave', '--role', 'owner'], PASSWORD, 2, /^netroom user add: the role is member or admin, not "owner"/u],
      [['user', 'passwd', 'nobody'], PASSWORD, 1, /^netroom user passwd: no account is called nobody/u],
      [['user', 'role', 'nobody', 'admin'], '', 1, /^netroom user role: no account is called nobody/u],
      [['user', 'role', 'carol', 'root'], '', 2, /^netroom user role: the role is member or admin, not "root"/u],
      [['user', 'del', 'nobody'], '', 1, /^netroom user del: no account is called nobody/u],
    ];
    for (const [args, input, code, message] of cases) {
      const stdinFlag = args[1] === 'add' || args[1] === 'passwd' ? ['--password-stdin'] : [];
      const run = await cli([...args, ...stdinFlag, '--data', dir], { input });
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code, stdout: '' });
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    // No terminal and no --password-stdin: nothing to read the password from.
    const noTty = await cli(['user', 'add', 'dave', '--data', dir], { input: PASSWORD });
    expect(noTty).toMatchObject({ code: 2, stderr: 'netroom user add: no terminal to ask for the password on: give it on standard input with --password-stdin\n' });
    expect(accountsIn(dir)).toEqual([{ name: 'carol', role: 'member' }]);
  });
});

describe('netroom user against a running server', () => {
  it('a role change and a deletion reach a member signed in over WebSocket at once', SLOW, async () => {
    rig = await startAccessRig();
    const { server, data: dir } = rig;
    await server.access?.accounts.add('bob', PASSWORD, 'member');
    const token = server.access?.credentials.create('bob', 'token', 'test').secret ?? '';
    const bob = await wsMember(rig, { token });
    const guest = await wsMember(rig, { name: 'mallory' });
    expect(bob.welcome).toMatchObject({ name: 'bob', account: { name: 'bob', role: 'member' } });
    // A member may not remove someone from the whole server.
    await expect(bob.client.call({ type: 'kick', name: 'mallory' }, 'moderated')).rejects.toBeInstanceOf(WsChatError);

    expect(await cli(['user', 'role', 'bob', 'admin', '--data', dir])).toMatchObject({ code: 0 });
    // The server polls the shared file; bob's next server-wide kick succeeds once it has seen the change.
    const guestGone = new Promise<WsChatError>((resolve) => guest.client.once('lost', resolve));
    await eventually('bob to be an admin', async () => bob.client.call({ type: 'kick', name: 'mallory', reason: 'testing' }, 'moderated').then(() => true, () => undefined));
    expect(await guestGone).toMatchObject({ code: 'KICKED' });

    const bobGone = new Promise<WsChatError>((resolve) => bob.client.once('lost', resolve));
    expect(await cli(['user', 'del', 'bob', '--data', dir])).toMatchObject({ code: 0, stdout: 'deleted admin bob with its sessions and tokens\n' });
    expect(await bobGone).toMatchObject({ code: 'KICKED', message: expect.stringMatching(/account deleted/u) as unknown });
    expect(server.chat.find('bob')).toBeUndefined();
    // Its token went with it.
    expect(server.access?.credentials.check(token)).toBeUndefined();
    bob.client.close();
    guest.client.close();
  });
});

describe('netroom serve on an empty data folder', () => {
  it('says how to create the first administrator, after the doors; not once an account exists', SLOW, async () => {
    const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-first-run-'));
    const dir = path.join(top, 'data');
    const serve = (): CliProcess =>
      new CliProcess(['serve', '--port', 'off', '--http', '0', '--irc', 'off', '--ftp', 'off', '--dir', path.join(top, 'files'), '--data', dir, '--log-level', 'silent']);
    const first = serve();
    try {
      await first.waitFor(/^type a line/u);
      const at = first.lines.findIndex((l) => l.startsWith('no accounts yet'));
      expect(first.lines[at]).toBe(`no accounts yet: create the first administrator with: netroom user add NAME --role admin --data ${dir}`);
      expect(at).toBeGreaterThan(first.lines.findIndex((l) => l.startsWith('http ')));
      expect(first.lines.some((l) => l.startsWith('admin token: '))).toBe(true);
    } finally {
      await first.stop();
    }
    expect(await cli(['user', 'add', 'root', '--role', 'admin', '--password-stdin', '--data', dir], { input: PASSWORD })).toMatchObject({ code: 0 });
    const second = serve();
    try {
      await second.waitFor(/^type a line/u);
      expect(second.lines.filter((l) => l.startsWith('no accounts yet'))).toEqual([]);
      expect(second.lines.some((l) => l.startsWith('admin token: '))).toBe(true);
    } finally {
      await second.stop();
      await fs.rm(top, { recursive: true, force: true });
    }
  });
});
