// FTP and --guests: anonymous is a guest, so --guests read makes it read-only and --guests off refuses it with the reason.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import type { GuestPolicy } from '../src/core/access/roles.js';
import { PASSWORD, RawFtp, hasTool, readAll, startFtpDoor, type FtpFixture } from './helpers/ftp.js';

const fixtures: FtpFixture[] = [];
const opened: RawFtp[] = [];

afterEach(async () => {
  opened.splice(0).forEach((r) => r.close());
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

async function door(guests: GuestPolicy): Promise<FtpFixture> {
  const f = await startFtpDoor({ guests, accounts: { alice: 'member' } });
  fixtures.push(f);
  await fs.writeFile(path.join(f.root, 'readme.txt'), 'hello');
  return f;
}

async function track(raw: Promise<RawFtp>): Promise<RawFtp> {
  const r = await raw;
  opened.push(r);
  return r;
}

/** STOR `name` with `body` on a logged-in connection; the final reply code (150 then 226), or the refusal. */
async function store(raw: RawFtp, name: string, body: string): Promise<{ code: number; text: string }> {
  const data = await raw.passive();
  const first = await raw.command(`STOR ${name}`);
  if (first.code !== 150) {
    data.destroy();
    return first;
  }
  data.end(body);
  return raw.reply();
}

describe('--guests read', () => {
  test('anonymous logs in read-only: downloads, every change refused with the reason; a member uploads', async () => {
    const f = await door('read');
    const anon = await track(RawFtp.connect(f.port));
    await anon.expect('USER anonymous', 331);
    expect((await anon.expect('PASS x@y', 230)).text).toBe('Anonymous login ok: read-only access');
    const body = readAll(await anon.passive());
    await anon.expect('RETR readme.txt', 150);
    expect((await body).toString()).toBe('hello');
    expect((await anon.reply()).code).toBe(226);
    for (const command of ['STOR new.txt', 'MKD d', 'DELE readme.txt', 'RNFR readme.txt']) {
      expect((await anon.expect(command, 550)).text).toBe('Permission denied: guests may only read files here: sign in with an account to upload');
    }
    const alice = await track(RawFtp.signIn(f.port, 'alice'));
    expect((await store(alice, 'new.txt', 'from alice')).code).toBe(226);
    expect(await fs.readFile(path.join(f.root, 'new.txt'), 'utf8')).toBe('from alice');
    expect(await f.library.list('')).toHaveLength(2);
  });
});

describe('--guests off', () => {
  test('USER anonymous and USER ftp are 530 with the reason; an account signs in and uses the library', async () => {
    const f = await door('off');
    const raw = await track(RawFtp.connect(f.port));
    for (const user of ['anonymous', 'ftp']) {
      expect((await raw.expect(`USER ${user}`, 530)).text).toBe('Anonymous login refused: this server is for accounts only (guests are off): log in with your account');
    }
    await raw.expect('PASS x@y', 503);
    await raw.expect('PWD', 530);
    await raw.expect('USER alice', 331);
    await raw.expect(`PASS ${PASSWORD}`, 230);
    const listing = readAll(await raw.passive());
    await raw.expect('NLST', 150);
    expect((await listing).toString()).toBe('readme.txt\r\n');
    expect((await raw.reply()).code).toBe(226);
    expect((await store(raw, 'mine.txt', 'ok')).code).toBe(226);
  });

  test.skipIf(!hasTool('curl'))('curl without -u (anonymous) is refused with exit 67 and the reason', async () => {
    const f = await door('off');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('curl', ['-sS', '-v', `ftp://127.0.0.1:${f.port}/readme.txt`], { timeout: 20_000 }, (err, _o, stderr) =>
        resolve({ code: err === null ? 0 : Number(err.code), stderr }),
      );
    });
    expect(result.code).toBe(67);
    expect(result.stderr).toMatch(/< 530 Anonymous login refused: this server is for accounts only/u);
  });
});
