// Files remember who made them (issue 12): the owner book under .netroom/owners, on real files in a temp folder.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guest } from '../src/core/access/roles.js';
import { Library, type LibraryChange } from '../src/core/library.js';
import { moveEntry } from '../src/core/move.js';
import { changeSource } from '../src/doors/change-source.js';
import { codeOf } from './helpers/errors.js';
import { ALICE, BOB, GINA, MECHANISMS, ROOT, as, putAs, snapshot } from './helpers/library-actors.js';

let base: string;
let root: string;
let library: Library;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-owners-'));
  root = path.join(base, 'root');
  library = new Library(root);
  await library.init();
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** The records in the owner book, parsed. */
async function records(): Promise<Array<{ role: string; name: string; at: number }>> {
  const dir = path.join(root, '.netroom', 'owners');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map(async (n) => JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')) as { role: string; name: string; at: number }));
}

describe('owners recorded', () => {
  for (const mechanism of MECHANISMS) {
    it(`by every role, for an upload by ${mechanism}`, async () => {
      await putAs(library, 'g.txt', 'g', GINA, mechanism);
      await putAs(library, 'm.txt', 'm', ALICE, mechanism);
      await putAs(library, 'a.txt', 'a', ROOT, mechanism);
      await putAs(library, 'anon.txt', 'x', guest(''), mechanism);
      expect(await library.ownerOf('g.txt')).toEqual({ role: 'guest', name: 'gina' });
      expect(await library.ownerOf('m.txt')).toEqual({ role: 'member', name: 'alice' });
      expect(await library.ownerOf('a.txt')).toEqual({ role: 'admin', name: 'root' });
      expect(await library.ownerOf('anon.txt')).toEqual({ role: 'guest', name: '' });
    });
  }

  it('for folders, and the record is JSON {role, name, at}', async () => {
    const before = Date.now();
    await library.mkdir('docs', as(ALICE));
    expect(await library.ownerOf('docs')).toEqual({ role: 'member', name: 'alice' });
    const [record] = await records();
    expect(record).toMatchObject({ role: 'member', name: 'alice' });
    expect(record!.at).toBeGreaterThanOrEqual(before);
  });

  it('nobody known for entries made outside netroom, by the server itself, or with a corrupt record', async () => {
    await fs.writeFile(path.join(root, 'outside.txt'), 'x');
    await putAs(library, 'server.txt', 's');
    await library.mkdir('server-dir');
    expect(await library.ownerOf('outside.txt')).toBeNull();
    expect(await library.ownerOf('server.txt')).toBeNull();
    expect(await library.ownerOf('server-dir')).toBeNull();
    expect(await records()).toEqual([]);
    await putAs(library, 'c.txt', 'c', ALICE);
    const dir = path.join(root, '.netroom', 'owners');
    for (const bad of ['{not json', '{"role":"pope","name":"x"}', '{"role":"member"}', '[]']) {
      await fs.writeFile(path.join(dir, (await fs.readdir(dir))[0]!), bad);
      expect(await library.ownerOf('c.txt')).toBeNull();
    }
  });

  it('the book folder removed by hand while running is made again at the next record', async () => {
    await putAs(library, 'a.txt', 'a', ALICE);
    await fs.rm(path.join(root, '.netroom'), { recursive: true });
    await putAs(library, 'b.txt', 'b', GINA);
    await library.mkdir('d', as(BOB));
    expect(await library.ownerOf('a.txt')).toBeNull();
    expect(await library.ownerOf('b.txt')).toEqual({ role: 'guest', name: 'gina' });
    expect(await library.ownerOf('d')).toEqual({ role: 'member', name: 'bob' });
  });

  it('ownerOf a missing entry is NOT_FOUND; owners() maps a listing, missing names to null', async () => {
    expect(await codeOf(library.ownerOf('nope.txt'))).toBe('NOT_FOUND');
    await library.mkdir('d', as(BOB));
    await putAs(library, 'd/x.txt', 'x', GINA);
    await fs.writeFile(path.join(root, 'd', 'y.txt'), 'y');
    const names = (await library.list('d')).map((e) => e.name);
    const owners = await library.owners('d', [...names, 'gone.txt', '.netroom']);
    expect(Object.fromEntries(owners)).toEqual({ 'x.txt': { role: 'guest', name: 'gina' }, 'y.txt': null, 'gone.txt': null, '.netroom': null });
  });
});

describe('owners follow the entry, not the name', () => {
  it('survive a rename or move by netroom, the folder with everything in it', async () => {
    await library.mkdir('docs', as(ALICE));
    await putAs(library, 'docs/a.txt', 'a', GINA);
    await moveEntry(library, 'docs/a.txt', 'docs/b.txt', as(ROOT));
    await moveEntry(library, 'docs', 'papers', as(ROOT));
    expect(await library.ownerOf('papers')).toEqual({ role: 'member', name: 'alice' });
    expect(await library.ownerOf('papers/b.txt')).toEqual({ role: 'guest', name: 'gina' });
  });

  it('survive a rename made outside netroom (fs.rename)', async () => {
    await putAs(library, 'a.txt', 'a', ALICE);
    await fs.mkdir(path.join(root, 'elsewhere'));
    await fs.rename(path.join(root, 'a.txt'), path.join(root, 'elsewhere', 'z.txt'));
    expect(await library.ownerOf('elsewhere/z.txt')).toEqual({ role: 'member', name: 'alice' });
  });

  it('an upload that replaces a file makes the uploader the owner, and the old record goes', async () => {
    await putAs(library, 'a.txt', 'guest made it', GINA);
    await putAs(library, 'a.txt', 'alice replaced it', ALICE);
    expect(await library.ownerOf('a.txt')).toEqual({ role: 'member', name: 'alice' });
    expect(await records()).toEqual([expect.objectContaining({ role: 'member', name: 'alice' })]);
  });

  it('a rename onto a file drops the replaced file’s record and keeps the moved one’s', async () => {
    await putAs(library, 'a.txt', 'a', ALICE);
    await putAs(library, 'b.txt', 'b', GINA);
    await moveEntry(library, 'a.txt', 'b.txt', as(ALICE));
    expect(await library.ownerOf('b.txt')).toEqual({ role: 'member', name: 'alice' });
    expect(await records()).toEqual([expect.objectContaining({ name: 'alice' })]);
  });

  it('a delete by netroom removes the record (files and folders)', async () => {
    await library.mkdir('d', as(ALICE));
    await putAs(library, 'd/a.txt', 'a', ALICE);
    expect(await records()).toHaveLength(2);
    await library.remove('d/a.txt', as(ALICE));
    await library.remove('d', as(ALICE));
    expect(await records()).toEqual([]);
  });

  it('a file taking a recycled inode after a delete outside netroom does not inherit the old owner', async () => {
    await putAs(library, 'old.txt', 'old', ALICE);
    const old = await fs.stat(path.join(root, 'old.txt'), { bigint: true });
    await fs.unlink(path.join(root, 'old.txt')); // outside netroom: the record stays behind, stale
    // Most file systems hand a freed inode out again at once (ext4 does); tmpfs never does.
    let reused = false;
    for (let i = 0; i < 50 && !reused; i++) {
      await fs.writeFile(path.join(root, `new${i}.txt`), 'new');
      const stat = await fs.stat(path.join(root, `new${i}.txt`), { bigint: true });
      reused = stat.ino === old.ino && stat.dev === old.dev;
      if (reused) expect(await library.ownerOf(`new${i}.txt`)).toBeNull();
    }
    // Either way: a record of this device and inode with an earlier birth time (the file that was
    // there before) says nothing about the file that has them now.
    const now = await fs.stat(path.join(root, 'new0.txt'), { bigint: true });
    const stale = `${now.dev}-${now.ino}-${now.birthtimeNs - 1n}.json`;
    await fs.writeFile(path.join(root, '.netroom', 'owners', stale), JSON.stringify({ role: 'member', name: 'alice', at: 1 }));
    expect(await library.ownerOf('new0.txt')).toBeNull();
  });
});

describe('the owner book is out of every client’s reach', () => {
  beforeEach(async () => {
    await putAs(library, 'a.txt', 'a', GINA);
  });

  it('.netroom is never listed', async () => {
    expect((await library.list('')).map((e) => e.name)).toEqual(['a.txt']);
    expect(await fs.readdir(path.join(root, '.netroom', 'owners'))).toHaveLength(1);
  });

  it('no path reaches it, directly or through a symlink, for any operation', async () => {
    const [record] = await fs.readdir(path.join(root, '.netroom', 'owners'));
    await fs.symlink('.netroom', path.join(root, 'book'));
    await fs.symlink(`.netroom/owners/${record!}`, path.join(root, 'record.json'));
    const before = await snapshot(root);
    const by = as(ROOT);
    for (const p of ['.netroom', '.netroom/owners', `.netroom/owners/${record!}`, 'x/../.netroom']) {
      expect(await codeOf(library.list(p, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(library.stat(p, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(library.openFile(p, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(library.beginUpload(`${p}/x.json`, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(library.mkdir(`${p}/d`, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(library.remove(p, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(moveEntry(library, p, 'stolen', by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
      expect(await codeOf(moveEntry(library, 'a.txt', `${p}/a.json`, by))).toMatch(/HIDDEN_PATH|OUTSIDE_ROOT/u);
    }
    for (const p of ['book', 'book/owners', `book/owners/${record!}`, 'record.json']) {
      expect(await codeOf(library.list(p, by))).toBe('HIDDEN_PATH');
      expect(await codeOf(library.openFile(p, by))).toBe('HIDDEN_PATH');
      expect(await codeOf(library.beginUpload(`${p}/x.json`, by))).toBe('HIDDEN_PATH');
    }
    expect((await library.list('', by)).map((e) => e.name)).toEqual(['a.txt']);
    expect(await snapshot(root)).toEqual(before);
  });
});

describe('change events name who did it', () => {
  it('the account name for members, the guest name for guests, whatever name the door passed', async () => {
    const changes: LibraryChange[] = [];
    library.subscribe((c) => changes.push(c));
    await library.mkdir('m', changeSource('irc', '192.0.2.1', 'alice_away', ALICE));
    await library.mkdir('g', changeSource('ftp', '192.0.2.2', undefined, guest('gus')));
    await putAs(library, 'x.txt', 'x', BOB);
    expect(changes.map((c) => c.by?.name)).toEqual(['alice', 'gus', 'bob']);
    expect(changes[0]!.by).toMatchObject({ door: 'irc', address: '192.0.2.1' });
  });
});
