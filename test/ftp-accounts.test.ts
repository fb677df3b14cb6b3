// FTP sign-in with accounts through real clients (lftp, curl, Python ftplib): who may change which file, notices and log lines naming who.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { LibraryChange } from '../src/core/library.js';
import { describeChange } from '../src/server.js';
import { PASSWORD, RawFtp, hasTool, readAll, startFtpDoor, type FtpFixture } from './helpers/ftp.js';

/** Run a client; its exit code and output, whether it failed or not. */
function attempt(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }));
  });
}

async function ok(file: string, args: string[]): Promise<string> {
  const r = await attempt(file, args);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** One door for the file (accounts cost a password hash each): alice and bob are members, root an admin. */
let f: FtpFixture;
let url: string;
let local: string;
const changes: LibraryChange[] = [];

beforeAll(async () => {
  f = await startFtpDoor({ accounts: { alice: 'member', bob: 'member', root: 'admin' } });
  url = `ftp://127.0.0.1:${f.port}/`;
  local = path.join(f.dir, 'local');
  await fs.mkdir(local);
  f.library.subscribe((change) => changes.push(change));
});

afterAll(async () => {
  await f.close();
});

async function file(name: string, content: string): Promise<string> {
  const at = path.join(local, name);
  await fs.writeFile(at, content);
  return at;
}

async function inLibrary(name: string): Promise<string> {
  return fs.readFile(path.join(f.root, name), 'utf8');
}

describe.skipIf(!hasTool('curl'))('curl -u name:password', () => {
  const curl = (...args: string[]) => attempt('curl', ['-sS', '--fail', ...args]);

  test('a member uploads and overwrites her own file; the notice and the log line name her', async () => {
    await ok('curl', ['-sS', '-u', `alice:${PASSWORD}`, '-T', await file('c1.txt', 'one'), `${url}curl-alice.txt`]);
    await ok('curl', ['-sS', '-u', `alice:${PASSWORD}`, '-T', await file('c2.txt', 'two'), `${url}curl-alice.txt`]);
    expect(await inLibrary('curl-alice.txt')).toBe('two');
    const notices = f.events.filter((e) => e.kind === 'file' && e.path === 'curl-alice.txt');
    expect(notices).toMatchObject([{ name: 'alice' }, { name: 'alice' }]);
    const put = changes.filter((c) => c.kind === 'put' && c.path === 'curl-alice.txt');
    expect(put.map((c) => describeChange(c).who)).toEqual(['alice', 'alice']);
    expect(put[0]?.by?.actor).toEqual({ role: 'member', name: 'alice', account: 'alice' });
  });

  test('anonymous cannot overwrite a member\'s file (550, curl exit 25) and it is unchanged; a new file is fine, named "anonymous"', async () => {
    await ok('curl', ['-sS', '-u', `alice:${PASSWORD}`, '-T', await file('c3.txt', 'alice wrote this'), `${url}curl-kept.txt`]);
    const refused = await curl('-T', await file('c4.txt', 'vandal'), `${url}curl-kept.txt`);
    expect(refused.code).toBe(25); // CURLE_UPLOAD_FAILED
    expect(refused.stderr).toMatch(/550/u);
    expect(await inLibrary('curl-kept.txt')).toBe('alice wrote this');
    await ok('curl', ['-sS', '-T', await file('c5.txt', 'new'), `${url}curl-anon.txt`]);
    expect(f.events.find((e) => e.kind === 'file' && e.path === 'curl-anon.txt')).toMatchObject({ name: 'anonymous' });
    expect(describeChange(changes.find((c) => c.kind === 'put' && c.path === 'curl-anon.txt')!).who).toBe('anonymous');
  });

  test('a member cannot delete another member\'s file: 550 with the reason, the file stays', async () => {
    await ok('curl', ['-sS', '-u', `bob:${PASSWORD}`, '-T', await file('c6.txt', 'bob'), `${url}curl-bob.txt`]);
    const refused = await curl('-u', `alice:${PASSWORD}`, '-Q', 'DELE curl-bob.txt', url);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/550/u);
    expect(await inLibrary('curl-bob.txt')).toBe('bob');
  });

  test('a wrong password is 530 (curl exit 67)', async () => {
    const refused = await curl('-v', '-u', 'alice:wrong password', url);
    expect(refused.code).toBe(67); // CURLE_LOGIN_DENIED
    expect(refused.stderr).toMatch(/< 530 Login incorrect/u);
  });
});

describe.skipIf(!hasTool('lftp'))('lftp -u name,password', () => {
  const lftp = (user: string, commands: string) =>
    attempt('lftp', ['-c', `set net:max-retries 1; set net:timeout 10; set ftp:passive-mode on; open -u "${user}" ftp://127.0.0.1:${f.port}; ${commands}`]);

  test('signs in, puts, overwrites its own file, and is refused (550) deleting another member\'s', async () => {
    const bobs = await lftp(`bob,${PASSWORD}`, `put ${await file('l1.txt', 'bob was here')} -o lftp-bob.txt`);
    expect(bobs.code, bobs.stderr).toBe(0);
    const first = await lftp(`alice,${PASSWORD}`, `put ${await file('l2.txt', 'first')} -o lftp-alice.txt; put ${await file('l3.txt', 'second')} -o lftp-alice.txt`);
    expect(first.code, first.stderr).toBe(0);
    expect(await inLibrary('lftp-alice.txt')).toBe('second');
    const rm = await lftp(`alice,${PASSWORD}`, 'rm lftp-bob.txt');
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toMatch(/550 only bob or an administrator may delete/u);
    expect(await inLibrary('lftp-bob.txt')).toBe('bob was here');
    // An administrator may.
    const admin = await lftp(`root,${PASSWORD}`, 'rm lftp-bob.txt');
    expect(admin.code, admin.stderr).toBe(0);
    await expect(fs.stat(path.join(f.root, 'lftp-bob.txt'))).rejects.toThrow(/ENOENT/u);
  });

  test('anonymous (lftp\'s default login) reads but cannot overwrite or delete', async () => {
    await ok('curl', ['-sS', '-u', `alice:${PASSWORD}`, '-T', await file('l4.txt', 'keep me'), `${url}lftp-keep.txt`]);
    const got = await lftp('anonymous,x', 'cat lftp-keep.txt');
    expect(got.stdout).toBe('keep me');
    const put = await lftp('anonymous,x', `put ${await file('l5.txt', 'nope')} -o lftp-keep.txt`);
    expect(put.code).not.toBe(0);
    expect(put.stderr).toMatch(/550 guests may not overwrite/u);
    const rm = await lftp('anonymous,x', 'rm lftp-keep.txt');
    expect(rm.stderr).toMatch(/550 guests may not delete/u);
    expect(await inLibrary('lftp-keep.txt')).toBe('keep me');
  });
});

const python = hasTool('python3') ? 'python3' : null;

describe.skipIf(python === null)('Python ftplib', () => {
  test('login(name, password): 230 naming the account; a wrong password and an unknown name get the same 530', async () => {
    const script = `
import ftplib, sys
port, password = int(sys.argv[1]), sys.argv[2]
def attempt(user, pw):
    f = ftplib.FTP()
    f.connect('127.0.0.1', port, timeout=10)
    try:
        print(f.login(user, pw))
        f.quit()
    except ftplib.error_perm as e:
        print('error_perm', e)
        f.close()
attempt('alice', password)
attempt('alice', 'not it')
attempt('nobody-here', 'not it')
`;
    const out = await ok(python!, ['-c', script, String(f.port), PASSWORD]);
    expect(out.trim().split('\n')).toEqual(['230 Logged in as alice (member)', 'error_perm 530 Login incorrect', 'error_perm 530 Login incorrect']);
  });
});

describe('the wire (raw control connection)', () => {
  const opened: RawFtp[] = [];
  afterEach(() => opened.splice(0).forEach((r) => r.close()));

  test('USER of a name that is no account still asks for a password, and fails only after PASS', async () => {
    const raw = await RawFtp.connect(f.port);
    opened.push(raw);
    expect((await raw.expect('USER nobody-here', 331)).text).toBe('Password required for nobody-here');
    expect((await raw.expect('PASS whatever', 530)).text).toBe('Login incorrect');
    await raw.expect('PWD', 530); // not logged in
    await raw.expect(`USER alice`, 331); // may try again on the same connection
    await raw.expect(`PASS ${PASSWORD}`, 230);
    expect((await raw.expect('STAT', 211)).lines.some((l) => l.endsWith(' Logged in as alice (member)'))).toBe(true);
  });

  test('LIST, RETR, SIZE and MDTM ask the library as the signed-in account', async () => {
    await fs.writeFile(path.join(f.root, 'seen.txt'), 'seen');
    const asked: unknown[] = [];
    const library = f.library as unknown as Record<'list' | 'stat' | 'openFile', (...args: unknown[]) => Promise<unknown>>;
    const originals = { list: library.list, stat: library.stat, openFile: library.openFile };
    for (const name of ['list', 'stat', 'openFile'] as const) {
      library[name] = function (this: unknown, ...args: unknown[]) {
        asked.push([name, (args.at(-1) as { actor?: unknown } | undefined)?.actor]);
        return originals[name].apply(this, args);
      };
    }
    try {
      const raw = await RawFtp.signIn(f.port, 'bob');
      opened.push(raw);
      await raw.expect('TYPE I', 200);
      await raw.expect('SIZE seen.txt', 213);
      await raw.expect('MDTM seen.txt', 213);
      const listing = readAll(await raw.passive());
      await raw.expect('LIST', 150);
      await listing;
      expect((await raw.reply()).code).toBe(226);
      const body = readAll(await raw.passive());
      await raw.expect('RETR seen.txt', 150);
      expect((await body).toString()).toBe('seen');
      expect((await raw.reply()).code).toBe(226);
    } finally {
      Object.assign(library, originals);
    }
    const bob = { role: 'member', name: 'bob', account: 'bob' };
    expect(asked).toEqual(expect.arrayContaining([['stat', bob], ['list', bob], ['openFile', bob]]));
    expect(asked.every((a) => (a as unknown[])[1] !== undefined)).toBe(true);
  });

  test('failed passwords are limited: after five, 421 and the connection closes', async () => {
    const raw = await RawFtp.connect(f.port);
    opened.push(raw);
    // A name of its own, so the other tests' sign-ins from this address are not counted against it.
    await f.access!.accounts.add('carol', PASSWORD, 'member');
    for (let i = 0; i < 5; i++) {
      await raw.expect('USER carol', 331);
      await raw.expect('PASS guess', 530);
    }
    await raw.expect('USER carol', 331);
    const limited = await raw.expect(`PASS ${PASSWORD}`, 421);
    expect(limited.text).toMatch(/^Too many failed sign-ins: try again in \d+ s/u);
    await expect(raw.reply()).rejects.toThrow(/connection closed/u);
  });

  test('a session ends (421 with the reason) when its account is banned or deleted meanwhile; an anonymous one when its address is', async () => {
    await f.access!.accounts.add('dave', PASSWORD, 'member');
    const dave = await RawFtp.signIn(f.port, 'dave');
    opened.push(dave);
    const anon = await RawFtp.login(f.port);
    opened.push(anon);
    await dave.expect('NOOP', 200);
    const ban = f.access!.restrictions.add({ type: 'ban', kind: 'account', value: 'dave', reason: 'leaked files' }, 'root', null);
    expect((await dave.expect('PWD', 421)).text).toBe('You are banned from this server: leaked files: closing the control connection');
    await expect(dave.reply()).rejects.toThrow(/connection closed/u);
    await anon.expect('NOOP', 200); // a ban on an account leaves others alone
    f.access!.restrictions.remove(ban.id);
    const again = await RawFtp.signIn(f.port, 'dave');
    opened.push(again);
    f.access!.accounts.remove('dave');
    expect((await again.expect('LIST', 421)).text).toBe('Your account no longer exists: closing the control connection');
    const byAddress = f.access!.restrictions.add({ type: 'ban', kind: 'address', value: '127.0.0.1' }, 'root', null);
    try {
      expect((await anon.expect('NOOP', 421)).text).toBe('You are banned from this server: closing the control connection');
    } finally {
      f.access!.restrictions.remove(byAddress.id);
    }
  });

  test('a ban by address refuses anonymous and members with the reason; an administrator still gets in', async () => {
    const record = f.access!.restrictions.add({ type: 'ban', kind: 'address', value: '127.0.0.1', reason: 'flooding' }, 'root', null);
    try {
      const anon = await RawFtp.connect(f.port);
      opened.push(anon);
      await anon.expect('USER anonymous', 331);
      expect((await anon.expect('PASS x', 530)).text).toBe('Login refused: you are banned from this server: flooding');
      const member = await RawFtp.connect(f.port);
      opened.push(member);
      await member.expect('USER alice', 331);
      expect((await member.expect(`PASS ${PASSWORD}`, 530)).text).toMatch(/banned from this server: flooding/u);
      await member.expect('PWD', 530);
      opened.push(await RawFtp.signIn(f.port, 'root'));
    } finally {
      f.access!.restrictions.remove(record.id);
    }
  });
});
