// The access core: passwords, accounts, sign-in limits, sessions and tokens, invitations, and ban matching.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { addressMatches, parseAddressPattern } from '../src/core/access/addresses.js';
import { hashPassword, verifyPassword } from '../src/core/access/passwords.js';
import { Restrictions } from '../src/core/access/restrictions.js';
import { SignInLimiter } from '../src/core/access/sign-in-limit.js';
import { SqliteAccessStore } from '../src/store/access-sqlite.js';
import type { RestrictionRecord } from '../src/store/access.js';

const dirs: string[] = [];
const opened: Access[] = [];

async function access(options: ConstructorParameters<typeof Access>[1] = {}): Promise<{ access: Access; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-access-'));
  dirs.push(dir);
  const file = join(dir, 'access.sqlite');
  const a = new Access(SqliteAccessStore.open(file), options);
  opened.push(a);
  return { access: a, file };
}

afterEach(async () => {
  opened.splice(0).forEach((a) => a.close());
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function code(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

describe('passwords', () => {
  it('hash with scrypt, verify the right one only, and never store the password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1$1$1$bad')).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe('accounts', () => {
  it('adds, lists, finds by any spelling that reads alike, changes role and password, deletes', async () => {
    const { access: a } = await access();
    await a.accounts.add('Alice', 'password-1', 'admin');
    await a.accounts.add('bob', 'password-2');
    expect(a.accounts.list().map((x) => [x.name, x.role])).toEqual([
      ['Alice', 'admin'],
      ['bob', 'member'],
    ]);
    expect(a.accounts.find('ＡＬＩＣＥ')?.name).toBe('Alice');
    expect(a.accounts.find('аlice')?.name).toBe('Alice'); // Cyrillic а
    expect(await code(a.accounts.add('ALICE', 'password-3'))).toBe('NAME_TAKEN');
    expect(await code(a.accounts.add('аlice', 'password-3'))).toBe('NAME_TAKEN');
    expect(await code(a.accounts.add('admin', 'password-3'))).toBe('RESERVED_NAME');
    expect(await code(a.accounts.add('has space', 'password-3'))).toBe('BAD_NAME');
    expect(await code(a.accounts.add('carol', 'short'))).toBe('BAD_PASSWORD');
    expect(a.accounts.setRole('bob', 'admin').role).toBe('admin');
    await a.accounts.setPassword('bob', 'new-password');
    expect((await a.accounts.verify('BOB', 'new-password', '127.0.0.1')).name).toBe('bob');
    expect(await code(a.accounts.verify('bob', 'password-2', '127.0.0.1'))).toBe('BAD_CREDENTIALS');
    a.accounts.remove('bob');
    expect(a.accounts.find('bob')).toBeUndefined();
    expect(await code(() => a.accounts.remove('bob'))).toBe('NO_SUCH_ACCOUNT');
  });

  it('answers a wrong name and a wrong password alike', async () => {
    const { access: a } = await access();
    await a.accounts.add('alice', 'password-1');
    const unknown = await a.accounts.verify('nobody', 'password-1', '10.0.0.1').catch((e: Error) => e.message);
    const wrong = await a.accounts.verify('alice', 'password-2', '10.0.0.1').catch((e: Error) => e.message);
    expect(unknown).toBe(wrong);
  });

  it('another process (the CLI) adding an account is seen by a running server at once', async () => {
    const { access: server, file } = await access();
    let changes = 0;
    server.onExternalChange(() => changes++);
    const cli = new Access(SqliteAccessStore.open(file));
    opened.push(cli);
    await cli.accounts.add('dave', 'password-1');
    server.poll();
    expect(changes).toBe(1);
    expect(server.accountHolding('dave')).toBe('dave');
  });
});

describe('sign-in limits', () => {
  it('stop guessing from one address, and never lock the owner out from an address it used before', () => {
    const clock = { now: 0 };
    const limiter = new SignInLimiter({ perAccountAddress: 3, perAddress: 100, perAccount: 10, windowMs: 60_000, now: () => clock.now });
    limiter.succeeded('alice', 'owner-address');
    for (let i = 0; i < 3; i++) limiter.failed('alice', 'attacker-1');
    expect(limiter.retryAfter('alice', 'attacker-1')).toBe(60);
    // Many attackers: the account-wide count stops new addresses...
    for (let i = 0; i < 10; i++) limiter.failed('alice', `attacker-${i + 2}`);
    expect(limiter.retryAfter('alice', 'new-address')).toBeGreaterThan(0);
    // ...but not the owner's own address, and not other accounts.
    expect(limiter.retryAfter('alice', 'owner-address')).toBe(0);
    expect(limiter.retryAfter('bob', 'new-address')).toBe(0);
    clock.now = 60_001;
    expect(limiter.retryAfter('alice', 'attacker-1')).toBe(0);
  });

  it('hold through the accounts: RATE_LIMITED with the wait, even with the right password', async () => {
    const { access: a } = await access({ signIn: { perAccountAddress: 2 } });
    await a.accounts.add('alice', 'password-1');
    await a.accounts.verify('alice', 'password-1', '10.0.0.9');
    expect(await code(a.accounts.verify('alice', 'nope-nope', '10.0.0.1'))).toBe('BAD_CREDENTIALS');
    expect(await code(a.accounts.verify('alice', 'nope-nope', '10.0.0.1'))).toBe('BAD_CREDENTIALS');
    expect(await code(a.accounts.verify('alice', 'password-1', '10.0.0.1'))).toBe('RATE_LIMITED');
    expect((await a.accounts.verify('alice', 'password-1', '10.0.0.9')).name).toBe('alice');
  });
});

describe('sessions and tokens', () => {
  it('sign in by secret until revoked or expired; the store keeps only hashes', async () => {
    const clock = { now: 1_000 };
    const { access: a } = await access({ now: () => clock.now });
    await a.accounts.add('alice', 'password-1');
    const session = a.credentials.create('alice', 'session', 'firefox', 10_000);
    const token = a.credentials.create('ALICE', 'token', 'laptop');
    expect(session.secret).toMatch(/^nrs_/);
    expect(token.secret).toMatch(/^nrt_/);
    expect(a.credentials.check(token.secret)?.account.name).toBe('alice');
    expect(a.credentials.list('alice').map((c) => c.kind)).toEqual(['session', 'token']);
    expect(JSON.stringify(a.store.credentials('alice'))).not.toContain(token.secret.slice(4));
    clock.now = 11_001;
    expect(a.credentials.check(session.secret)).toBeUndefined();
    expect(a.credentials.revoke('alice', token.info.id)).toBe(true);
    expect(a.credentials.check(token.secret)).toBeUndefined();
    expect(a.credentials.check('nrt_forged')).toBeUndefined();
  });

  it('die with their account', async () => {
    const { access: a } = await access();
    await a.accounts.add('alice', 'password-1');
    const token = a.credentials.create('alice', 'token', 'x');
    a.accounts.remove('alice');
    expect(a.credentials.check(token.secret)).toBeUndefined();
  });
});

describe('invitations', () => {
  it('create an account once, with the invited role; expired and used links are refused', async () => {
    const clock = { now: 1_000 };
    const { access: a } = await access({ now: () => clock.now });
    const invite = a.invitations.create('admin', 'root', 5_000);
    expect(a.invitations.peek(invite.secret)).toEqual({ role: 'admin', expiresAt: 6_000 });
    const results = await Promise.allSettled([a.invitations.redeem(invite.secret, 'erin', 'password-1'), a.invitations.redeem(invite.secret, 'frank', 'password-1')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(a.accounts.list().map((x) => x.role)).toEqual(['admin']);
    expect(await code(a.invitations.redeem(invite.secret, 'gina', 'password-1'))).toBe('BAD_INVITATION');
    const late = a.invitations.create('member', 'root', 5_000);
    clock.now = 6_001;
    expect(await code(a.invitations.redeem(late.secret, 'hank', 'password-1'))).toBe('BAD_INVITATION');
    expect(await code(a.invitations.redeem('nri_nothing', 'ivan', 'password-1'))).toBe('BAD_INVITATION');
  });
});

describe('restrictions', () => {
  const record = (kind: RestrictionRecord['kind'], value: string): RestrictionRecord => ({
    id: 1,
    type: 'ban',
    room: null,
    kind,
    value,
    shown: value,
    reason: '',
    by: 'x',
    createdAt: 0,
    until: null,
  });

  it('match names and accounts in any spelling, addresses by prefix, and IRC masks', () => {
    expect(Restrictions.matches(record('name', 'bob'), { name: 'ＢＯＢ' })).toBe(true);
    expect(Restrictions.matches(record('account', 'bob'), { name: 'x', account: 'Bob' })).toBe(true);
    expect(Restrictions.matches(record('account', 'bob'), { name: 'bob' })).toBe(false);
    expect(Restrictions.matches(record('address', '10.0.0.0/8'), { name: 'x', address: '::ffff:10.2.3.4' })).toBe(true);
    expect(Restrictions.matches(record('address', '10.0.0.0/8'), { name: 'x', address: '11.0.0.1' })).toBe(false);
    expect(Restrictions.matches(record('mask', '*!*@192.0.2.*'), { name: 'x', address: '192.0.2.7' })).toBe(true);
    expect(Restrictions.matches(record('mask', 'tro*!*@*'), { name: 'Troll42' })).toBe(true);
    expect(Restrictions.matches(record('mask', 'tro*!*@*'), { name: 'alice' })).toBe(false);
  });

  it('parse addresses and prefixes, IPv4 and IPv6', () => {
    expect(parseAddressPattern('2001:db8::1/64')).toBe('2001:db8::1/64');
    expect(parseAddressPattern('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(parseAddressPattern('1.2.3')).toBeNull();
    expect(parseAddressPattern('1.2.3.4/33')).toBeNull();
    expect(addressMatches('2001:db8::/64', '2001:db8::abcd:1')).toBe(true);
    expect(addressMatches('2001:db8::/64', '2001:db8:0:1::1')).toBe(false);
    expect(addressMatches('::1', '::1')).toBe(true);
  });

  it('persist, expire, and lift', async () => {
    const clock = { now: 1_000 };
    const { access: a, file } = await access({ now: () => clock.now });
    a.restrictions.add({ type: 'ban', kind: 'name', value: 'Bob', durationMs: 1_000, reason: 'spam' }, 'alice', null);
    a.restrictions.add({ type: 'mute', kind: 'address', value: '10.0.0.1' }, 'alice', '#dev');
    expect(a.restrictions.find('ban', { name: 'bob' }, null)?.reason).toBe('spam');
    const again = new Access(SqliteAccessStore.open(file), { now: () => clock.now });
    opened.push(again);
    expect(again.restrictions.list()).toHaveLength(2);
    expect(again.restrictions.find('mute', { name: 'z', address: '10.0.0.1' }, '#dev')).toBeDefined();
    expect(again.restrictions.find('mute', { name: 'z', address: '10.0.0.1' }, '#other')).toBeUndefined();
    clock.now = 2_001;
    expect(again.restrictions.find('ban', { name: 'bob' }, null)).toBeUndefined();
    expect(again.restrictions.removeMatching('mute', 'address', '10.0.0.1', '#dev')).toHaveLength(1);
    expect(again.restrictions.list()).toEqual([]);
    expect(await code(() => a.restrictions.add({ type: 'ban', kind: 'address', value: 'not-an-ip' }, 'x', null))).toBe('BAD_REQUEST');
  });
});

describe('the access store file', () => {
  it('is readable by the server user only, whoever makes it and whatever the umask', async () => {
    const { statSync, mkdtempSync, chmodSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'netroom-access-mode-'));
    dirs.push(dir);
    const file = join(dir, 'data', 'access.sqlite');
    const old = process.umask(0o022);
    try {
      SqliteAccessStore.open(file).close();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
      const loose = join(dir, 'loose.sqlite');
      writeFileSync(loose, '');
      chmodSync(loose, 0o644);
      SqliteAccessStore.open(loose).close();
      expect(statSync(loose).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });
});
