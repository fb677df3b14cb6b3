// FTP paths on the wire: one chroot rule for every command (`..` at the root is the root), and nothing leaves the library.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { RawFtp, readAll, startFtpDoor, tree, type FtpFixture } from './helpers/ftp.js';

let f: FtpFixture;
let raw: RawFtp;

beforeEach(async () => {
  // alice: a member, who may delete what she uploaded (a guest may not delete anything).
  f = await startFtpDoor({ accounts: { alice: 'member' } });
  await fs.writeFile(path.join(f.dir, 'outside.txt'), 'outside'); // beside the library: must never be reached
  await fs.mkdir(path.join(f.root, 'docs', 'sub'), { recursive: true });
  await fs.writeFile(path.join(f.root, 'inside.txt'), 'inside');
  raw = await RawFtp.signIn(f.port, 'alice');
});

afterEach(async () => {
  raw.close();
  await f.close();
});

async function pwd(): Promise<string> {
  return (await raw.expect('PWD', 257)).text.replace(/^"(.*)" .*$/u, '$1');
}

/** A transfer command's data, with its 150 and closing reply. */
async function transfer(command: string): Promise<{ body: string; code: number }> {
  const data = await raw.passive();
  const body = readAll(data);
  await raw.expect(command, 150);
  const text = (await body).toString();
  return { body: text, code: (await raw.reply()).code };
}

describe('at the root, the parent is the root', () => {
  test('CWD .., CWD ../.., CDUP and XCUP all answer 250 and stay at /', async () => {
    for (const command of ['CWD ..', 'CWD ../..', 'XCWD ../../..', 'CDUP', 'XCUP', 'CWD /..', 'CWD ./../.']) {
      expect((await raw.command(command)).code, command).toBe(250);
      expect(await pwd(), command).toBe('/');
    }
  });

  test('CWD .. and CDUP agree below the root too, and climb no higher than /', async () => {
    await raw.expect('CWD docs/sub', 250);
    await raw.expect('CDUP', 250);
    expect(await pwd()).toBe('/docs');
    await raw.expect('CWD sub', 250);
    await raw.expect('CWD ..', 250);
    expect(await pwd()).toBe('/docs');
    await raw.expect('CWD ../../../..', 250);
    expect(await pwd()).toBe('/');
  });

  test('other commands resolve .. the same way: RETR, SIZE, LIST, STOR, MKD, DELE', async () => {
    expect(await transfer('RETR ../inside.txt')).toEqual({ body: 'inside', code: 226 });
    expect((await raw.expect('SIZE ../../inside.txt', 213)).text).toBe('6');
    const listing = await transfer('NLST ..');
    expect(listing.body.split('\r\n').filter((l) => l !== '').sort()).toEqual(['docs', 'inside.txt']);
    await raw.expect('TYPE I', 200);
    const data = await raw.passive();
    await raw.expect('STOR ../../up.txt', 150);
    data.end('uploaded');
    expect((await raw.reply()).code).toBe(226);
    await raw.expect('CWD docs', 250);
    await raw.expect('MKD ../../../made', 257);
    await raw.expect('DELE ../../up.txt', 250);
    expect(await tree(f.dir)).toEqual(['lib/', 'lib/docs/', 'lib/docs/sub/', 'lib/inside.txt', 'lib/made/', 'outside.txt']);
  });

  test('what lies beside the library is not found, whatever the number of ..', async () => {
    for (const target of ['../outside.txt', '../../outside.txt', '/../outside.txt', 'docs/../../outside.txt']) {
      expect((await raw.command(`SIZE ${target}`)).code, target).toBe(550);
      expect((await raw.command(`RETR ${target}`)).code, target).toBe(550);
    }
    await raw.expect('RNFR ../outside.txt', 550);
    await raw.expect('CWD ../lib', 550); // there is no /lib inside the library
    expect(await pwd()).toBe('/');
    expect(await fs.readFile(path.join(f.dir, 'outside.txt'), 'utf8')).toBe('outside');
  });

  test('symlinks leading out stay refused, with or without ..; .. folds by name, never through a link', async () => {
    await fs.symlink(f.dir, path.join(f.root, 'out'));
    await fs.symlink(path.join(f.dir, 'outside.txt'), path.join(f.root, 'link.txt'));
    for (const command of ['CWD out', 'CWD docs/../out', 'SIZE out/outside.txt', 'SIZE ../link.txt', 'RETR link.txt', 'RETR out/outside.txt']) {
      expect((await raw.command(command)).code, command).toBe(550);
    }
    await raw.expect('CWD out/../..', 250); // out/.. is the folder holding the link: the root
    expect(await pwd()).toBe('/');
  });
});
