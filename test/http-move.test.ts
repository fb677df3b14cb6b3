// HTTP door, WebDAV MOVE: files and folders renamed and moved, overwrite and Overwrite: F, who may, the library feed, curl.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from './helpers/http.js';
import { startMoveRig, type MoveRig } from './helpers/http-move.js';
import { TestWsClient } from './helpers/ws.js';

const run = promisify(execFile);

let rig: MoveRig;
beforeAll(async () => {
  rig = await startMoveRig();
});
afterAll(() => rig.close());

const owner = (rel: string): Promise<unknown> => rig.srv.server.library.ownerOf(rel);

describe('MOVE /files/PATH', () => {
  it('curl -X MOVE with a Destination and a Bearer token renames alice\'s file: 201, Location, the owner follows', async () => {
    await rig.put('a.txt', 'alpha\n');
    const { stdout } = await run(
      'curl',
      ['-sS', '-i', '-X', 'MOVE', '-H', 'Destination: /files/b.txt', '-H', `Authorization: Bearer ${rig.aliceToken}`, `${rig.srv.base}/files/a.txt`],
      { timeout: 20_000 },
    );
    expect(stdout).toMatch(/^HTTP\/1\.1 201 /u);
    expect(stdout).toMatch(/\r\nlocation: \/files\/b\.txt\r\n/iu);
    expect(JSON.parse(stdout.slice(stdout.indexOf('\r\n\r\n') + 4))).toEqual({ from: 'a.txt', path: 'b.txt' });
    await expect(fs.stat(path.join(rig.srv.root, 'a.txt'))).rejects.toThrow(/ENOENT/u);
    expect(await fs.readFile(path.join(rig.srv.root, 'b.txt'), 'utf8')).toBe('alpha\n');
    expect(await owner('b.txt')).toEqual({ role: 'member', name: 'alice' });
  });

  it('moves a file into a sub-folder, and a folder with what it holds; names are percent-decoded', async () => {
    await rig.mkdir('docs');
    await rig.mkdir('docs/old');
    await rig.put('docs/old/note one.txt', 'note\n');
    await rig.put('report.txt', 'numbers\n');
    const into = await rig.move('report.txt', '/files/docs/report%20%E2%80%9C1%E2%80%9D.txt', rig.alice);
    expect([into.status, into.headers.location]).toEqual([201, '/files/docs/report%20%E2%80%9C1%E2%80%9D.txt']);
    expect(await fs.readFile(path.join(rig.srv.root, 'docs', 'report “1”.txt'), 'utf8')).toBe('numbers\n');
    const folder = await rig.move('docs/old', '/files/archive', rig.alice);
    expect([folder.status, folder.json()]).toEqual([201, { from: 'docs/old', path: 'archive' }]);
    expect(await fs.readFile(path.join(rig.srv.root, 'archive', 'note one.txt'), 'utf8')).toBe('note\n');
    await expect(fs.stat(path.join(rig.srv.root, 'docs', 'old'))).rejects.toThrow(/ENOENT/u);
    expect(await owner('archive')).toEqual({ role: 'member', name: 'alice' });
  });

  it('a full URL of this server is a Destination too (as sent to it, or by localhost on its port)', async () => {
    await rig.put('url.txt', 'by url\n');
    const own = await rig.move('url.txt', `${rig.srv.base}/files/url2.txt`, rig.alice);
    expect(own.status).toBe(201);
    const local = await rig.move('url2.txt', `http://localhost:${rig.srv.port}/files/url3.txt`, rig.alice);
    expect(local.status).toBe(201);
    expect(await fs.readFile(path.join(rig.srv.root, 'url3.txt'), 'utf8')).toBe('by url\n');
  });

  it('replaces an existing file (204) unless Overwrite: F (412 ALREADY_EXISTS, nothing changed)', async () => {
    await rig.put('keep.txt', 'kept\n');
    await rig.put('target.txt', 'old target\n');
    const before = await rig.snapshot();
    const refused = await rig.move('keep.txt', '/files/target.txt', { ...rig.alice, overwrite: 'F' });
    expect([refused.status, errorCode(refused)]).toEqual([412, 'ALREADY_EXISTS']);
    expect(await rig.snapshot()).toEqual(before);
    const replaced = await rig.move('keep.txt', '/files/target.txt', { ...rig.alice, overwrite: 'T' });
    expect([replaced.status, replaced.body.length]).toEqual([204, 0]);
    expect(await fs.readFile(path.join(rig.srv.root, 'target.txt'), 'utf8')).toBe('kept\n');
    await expect(fs.stat(path.join(rig.srv.root, 'keep.txt'))).rejects.toThrow(/ENOENT/u);
    // Overwrite: F on a free name is an ordinary move.
    const free = await rig.move('target.txt', '/files/free.txt', { ...rig.alice, overwrite: 'F' });
    expect(free.status).toBe(201);
  });

  it('a folder over an existing name or into itself is 409, and nothing changes', async () => {
    await rig.mkdir('box');
    await rig.mkdir('box/inner');
    await rig.mkdir('crate');
    await rig.put('loose.txt', 'loose\n');
    const before = await rig.snapshot();
    for (const [from, to, code] of [
      ['box', '/files/crate', 'ALREADY_EXISTS'],
      ['box', '/files/loose.txt', 'ALREADY_EXISTS'],
      ['loose.txt', '/files/crate', 'ALREADY_EXISTS'],
      ['box', '/files/box/inner/box', 'BAD_REQUEST'],
    ] as const) {
      const res = await rig.move(from, to, rig.alice);
      expect([from, to, res.status, errorCode(res)]).toEqual([from, to, 409, code]);
    }
    const missing = await rig.move('nothing.txt', '/files/something.txt', rig.alice);
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    const noParent = await rig.move('loose.txt', '/files/no/such/folder.txt', rig.alice);
    expect([noParent.status, errorCode(noParent)]).toEqual([404, 'NOT_FOUND']);
    expect(await rig.snapshot()).toEqual(before);
  });
});

describe('who may MOVE', () => {
  it('a guest is refused 403 PERMISSION_DENIED and nothing changes; so is another member; the owner may', async () => {
    await rig.put('mine.txt', 'alice owns this\n');
    const before = await rig.snapshot();
    const guest = await rig.move('mine.txt', '/files/taken.txt');
    expect([guest.status, errorCode(guest)]).toEqual([403, 'PERMISSION_DENIED']);
    const named = await rig.move('mine.txt', '/files/taken.txt', { 'x-netroom-name': 'alice2' });
    expect([named.status, errorCode(named)]).toEqual([403, 'PERMISSION_DENIED']);
    const bob = await rig.move('mine.txt', '/files/taken.txt', rig.bob);
    expect([bob.status, errorCode(bob)]).toEqual([403, 'PERMISSION_DENIED']);
    expect(await rig.snapshot()).toEqual(before);
    const alice = await rig.move('mine.txt', '/files/still-mine.txt', rig.alice);
    expect(alice.status).toBe(201);
    expect(await owner('still-mine.txt')).toEqual({ role: 'member', name: 'alice' });
  });

  it('bob may not replace alice\'s file by moving his own over it (overwrite is checked against its owner)', async () => {
    await rig.put('alices.txt', 'alice\n');
    await rig.put('bobs.txt', 'bob\n', rig.bob);
    const before = await rig.snapshot();
    const res = await rig.move('bobs.txt', '/files/alices.txt', rig.bob);
    expect([res.status, errorCode(res)]).toEqual([403, 'PERMISSION_DENIED']);
    expect(await rig.snapshot()).toEqual(before);
  });

  it('the admin token moves a file nobody known made', async () => {
    await fs.writeFile(path.join(rig.srv.root, 'placed.txt'), 'placed outside netroom\n');
    const member = await rig.move('placed.txt', '/files/placed2.txt', rig.alice);
    expect([member.status, errorCode(member)]).toEqual([403, 'PERMISSION_DENIED']);
    const admin = await rig.move('placed.txt', '/files/placed2.txt', { authorization: `Bearer ${rig.srv.adminToken}` });
    expect(admin.status).toBe(201);
  });
});

describe('the library feed', () => {
  it('a WebSocket connection that never entered gets the rename change of a MOVE, file and folder', async () => {
    const ws = await TestWsClient.open(`ws://127.0.0.1:${rig.srv.port}/ws`);
    try {
      await ws.nextOf('hello');
      await rig.mkdir('feed');
      await rig.put('feed/one.txt', 'one\n');
      expect((await rig.move('feed/one.txt', '/files/feed/two.txt', rig.alice)).status).toBe(201);
      const file = await ws.waitFor((m) => m.type === 'library' && m.change.kind === 'rename');
      expect(file).toEqual({ type: 'library', change: { kind: 'rename', from: 'feed/one.txt', to: 'feed/two.txt', type: 'file' } });
      expect((await rig.move('feed', '/files/fed', rig.alice)).status).toBe(201);
      const dir = await ws.waitFor((m) => m.type === 'library' && m.change.kind === 'rename');
      expect(dir).toEqual({ type: 'library', change: { kind: 'rename', from: 'feed', to: 'fed', type: 'dir' } });
    } finally {
      ws.close();
    }
  });
});
