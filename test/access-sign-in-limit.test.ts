// Sign-in limits through Accounts.verify (what POST /api/session and /api/tokens call): guessing from many addresses stops, the owner's address still gets in.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { isNetroomError } from '../src/core/errors.js';
import { SqliteAccessStore } from '../src/store/access-sqlite.js';

const PASSWORD = 'correct horse battery';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The error code `verify` fails with, or 'OK'. */
async function attempt(access: Access, password: string, address: string): Promise<string> {
  try {
    await access.accounts.verify('alice', password, address);
    return 'OK';
  } catch (err) {
    return isNetroomError(err) ? err.code : 'THROWN';
  }
}

describe('sign-in limits through Accounts.verify', () => {
  it('a guessing crowd locks the account for new addresses, never for the address its owner signed in from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netroom-limit-'));
    dirs.push(dir);
    const access = new Access(SqliteAccessStore.open(join(dir, 'access.sqlite')), { signIn: { perAccountAddress: 2, perAddress: 100, perAccount: 6 } });
    try {
      await access.accounts.add('alice', PASSWORD, 'member');
      expect(await attempt(access, PASSWORD, '192.0.2.1')).toBe('OK'); // the owner, from home
      // Three guessers, two tries each: each address hits its own limit, and the account its overall one.
      for (const guesser of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        for (let i = 0; i < 2; i++) expect(await attempt(access, `guess ${i}`, guesser)).toBe('BAD_CREDENTIALS');
        expect(await attempt(access, PASSWORD, guesser)).toBe('RATE_LIMITED');
      }
      // Someone new, even with the right password, waits; the owner at home does not.
      expect(await attempt(access, PASSWORD, '203.0.113.9')).toBe('RATE_LIMITED');
      expect(await attempt(access, PASSWORD, '192.0.2.1')).toBe('OK');
    } finally {
      access.close();
    }
  });
});
