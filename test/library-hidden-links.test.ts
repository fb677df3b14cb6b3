// Issue 10 item 2: symlinks to hidden entries are refused (HIDDEN_PATH) and unlisted, through HTTP, FTP and the seed file door.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RawFtp, readAll, startFtpDoor, type FtpFixture } from './helpers/ftp.js';
import { errorCode, request, startHttpRig, type HttpRig } from './helpers/http.js';
import { RawClient, startSeedDoor, type SeedFixture } from './helpers/seedfiles.js';

/**
 * In `root`: a hidden file and folder, links to them (`hid`, `hiddir`, `chain` -> `hid`), a link
 * into a hidden folder (`deep`), and a link to a visible file (`ok`), which stays allowed.
 */
async function plant(root: string): Promise<void> {
  await fs.writeFile(path.join(root, '.hiddenfile'), 'HIDDEN');
  await fs.mkdir(path.join(root, '.hiddendir'));
  await fs.writeFile(path.join(root, '.hiddendir', 'inner.txt'), 'INNER');
  await fs.writeFile(path.join(root, 'visible.txt'), 'VISIBLE');
  await fs.symlink('.hiddenfile', path.join(root, 'hid'));
  await fs.symlink('.hiddendir', path.join(root, 'hiddir'));
  await fs.symlink('hid', path.join(root, 'chain'));
  await fs.symlink('.hiddendir/inner.txt', path.join(root, 'deep'));
  await fs.symlink('visible.txt', path.join(root, 'ok'));
}

/** What the hidden folder holds: nothing may be added or removed through a link. */
async function hiddenDir(root: string): Promise<string[]> {
  return (await fs.readdir(path.join(root, '.hiddendir'))).sort();
}

describe('HTTP: links to hidden entries', () => {
  let rig: HttpRig;
  afterEach(async () => rig.close());

  it('GET, HEAD, PUT, DELETE and mkdir through them are HIDDEN_PATH; listings leave them out', async () => {
    rig = await startHttpRig();
    await plant(rig.root);
    for (const name of ['hid', 'chain', 'deep', 'hiddir/inner.txt']) {
      const got = await request(rig.url(`/files/${name}`));
      expect(got.status, name).toBe(403);
      expect(errorCode(got), name).toBe('HIDDEN_PATH');
      expect((await request(rig.url(`/files/${name}`), { method: 'HEAD' })).status, name).toBe(403);
    }
    const put = await request(rig.url('/files/hiddir/new.txt'), { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(errorCode(put)).toBe('HIDDEN_PATH');
    expect((await request(rig.url('/files/hiddir/inner.txt'), { method: 'DELETE' })).status).toBe(403);
    expect((await request(rig.url('/files/hid'), { method: 'DELETE' })).status).toBe(403);
    expect((await request(rig.url('/api/folders?path=hiddir/sub'), { method: 'POST' })).status).toBe(403);
    expect(await hiddenDir(rig.root)).toEqual(['inner.txt']);
    expect(await fs.readlink(path.join(rig.root, 'hid'))).toBe('.hiddenfile');
    // A link to a visible file still works, and is the only link listed.
    expect((await request(rig.url('/files/ok'))).body.toString()).toBe('VISIBLE');
    const names = (await request(rig.url('/api/files'))).json<Array<{ name: string }>>().map((e) => e.name);
    expect(names.sort()).toEqual(['ok', 'visible.txt']);
  });
});

describe('FTP: links to hidden entries', () => {
  let f: FtpFixture;
  let raw: RawFtp;
  afterEach(async () => {
    raw.close();
    await f.close();
  });

  it('RETR, SIZE, STOR, DELE, CWD and MKD through them are refused; LIST leaves them out', async () => {
    f = await startFtpDoor();
    await plant(f.root);
    raw = await RawFtp.login(f.port);
    for (const name of ['hid', 'chain', 'deep', 'hiddir/inner.txt']) {
      await raw.passive();
      expect((await raw.command(`RETR ${name}`)).code, name).toBe(550);
      expect((await raw.command(`SIZE ${name}`)).code, name).toBe(550);
    }
    expect((await raw.command('CWD hiddir')).code).toBe(550);
    expect((await raw.command('MKD hiddir/sub')).code).toBe(553);
    expect((await raw.command('DELE hiddir/inner.txt')).code).toBe(550);
    await raw.expect('TYPE I', 200);
    await raw.passive();
    expect((await raw.command('STOR hiddir/new.txt')).code).toBe(553);
    expect(await hiddenDir(f.root)).toEqual(['inner.txt']);
    const data = await raw.passive();
    const body = readAll(data);
    await raw.expect('NLST', 150);
    const listed = (await body).toString().split('\r\n').filter((l) => l !== '');
    expect((await raw.reply()).code).toBe(226);
    expect(listed.sort()).toEqual(['ok', 'visible.txt']);
  });
});

describe('seed file door: links to hidden entries', () => {
  let fx: SeedFixture;
  afterEach(async () => fx.close());

  it('G of a link to a hidden file is refused and L does not list it', async () => {
    fx = await startSeedDoor();
    await plant(fx.root);
    const raw = await RawClient.connect(fx.port);
    raw.socket.write('L');
    expect((await raw.until((t) => t.toString().endsWith('#'))).toString()).toBe('OKok#visible.txt#');
    raw.socket.end('G hid\n');
    const answer = (await raw.closed()).toString();
    expect(answer).toMatch(/^ERROR HIDDEN_PATH/u);
    expect(answer).not.toContain('HIDDEN\u0000');
    expect(answer).not.toMatch(/^OK/u);
  });
});
