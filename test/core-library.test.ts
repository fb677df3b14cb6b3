// Unit tests of the library's paths, listing, reads and removal (src/core/library.ts) on real temp dirs.
import { codeOf } from './helpers/errors.js';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetroomError, fromSystemError } from '../src/core/errors.js';
import { Library, checkPath } from '../src/core/library.js';

let base: string; // a fresh temp dir per test: holds the root and an "outside" folder beside it
let root: string;
let outside: string;
let lib: Library;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-lib-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'secret.txt'), 'secret');
  lib = new Library(root);
  await lib.init();
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function put(rel: string, content: string | Buffer): Promise<void> {
  const full = path.join(root, rel);
  await fs.mkdir(path.dirname(full), { recursive: true });
  await fs.writeFile(full, content);
}

describe('Library.init', () => {
  it('creates a missing root, nested folders included', async () => {
    const deep = path.join(base, 'a', 'b', 'c');
    const other = new Library(deep);
    await other.init();
    expect((await fs.stat(deep)).isDirectory()).toBe(true);
    expect(other.root).toBe(deep);
    expect(await other.list()).toEqual([]);
  });

  it('accepts an existing root and keeps its files', async () => {
    await put('keep.txt', 'x');
    const again = new Library(root);
    await again.init();
    expect((await again.list()).map((e) => e.name)).toEqual(['keep.txt']);
  });

  it('removes upload leftovers at every depth, and nothing else', async () => {
    await put('.netroom-upload-0123456789abcdef', 'partial');
    await put('sub/deeper/.netroom-upload-feedfacefeedface', 'partial');
    await put('.hidden-keep', 'mine');
    await put('sub/file.txt', 'mine');
    await new Library(root).init();
    expect(await fs.readdir(root)).toEqual(expect.arrayContaining(['.hidden-keep', 'sub']));
    expect(await fs.readdir(root)).not.toContain('.netroom-upload-0123456789abcdef');
    expect(await fs.readdir(path.join(root, 'sub', 'deeper'))).toEqual([]);
    expect(await fs.readFile(path.join(root, 'sub', 'file.txt'), 'utf8')).toBe('mine');
  });

  it('does not follow a symlinked folder out of the root when removing leftovers', async () => {
    await fs.writeFile(path.join(outside, '.netroom-upload-notmine'), 'x');
    await fs.symlink(outside, path.join(root, 'link'));
    await new Library(root).init();
    expect(await fs.readdir(outside)).toContain('.netroom-upload-notmine');
  });

  it('works when the root itself is reached through a symlink', async () => {
    await put('f.txt', 'hello');
    const alias = path.join(base, 'alias');
    await fs.symlink(root, alias);
    const viaAlias = new Library(alias);
    await viaAlias.init();
    expect((await viaAlias.list()).map((e) => e.name)).toEqual(['f.txt']);
    expect((await viaAlias.resolve('f.txt')).rel).toBe('f.txt');
  });

  it('refuses to resolve before init rather than resolving against the working directory', async () => {
    const early = new Library(path.join(base, 'never-initialised'));
    await expect(early.resolve('x')).rejects.toThrow(/init/u);
  });
});

describe('Library.resolve and checkPath', () => {
  it('maps relative paths into the root, normalising . and empty parts', async () => {
    await put('a/b', 'x');
    for (const input of ['a/b', 'a/./b', 'a//b', './a/b', 'a/b/', 'a/b/.']) {
      const r = await lib.resolve(input);
      expect(r.rel, input).toBe('a/b');
      expect(r.abs, input).toBe(path.join(await fs.realpath(root), 'a', 'b'));
    }
  });

  it('resolves the root itself from "", "." and "./"', async () => {
    for (const input of ['', '.', './']) expect((await lib.resolve(input)).rel).toBe('');
  });

  it('accepts names that do not exist yet and non-ASCII names', async () => {
    expect((await lib.resolve('new/file.txt')).rel).toBe('new/file.txt');
    expect((await lib.resolve('文档/报告.txt')).rel).toBe('文档/报告.txt');
    expect((await lib.resolve('a..b/c...')).rel).toBe('a..b/c...');
  });

  it.each([
    ['..', 'OUTSIDE_ROOT'],
    ['../x', 'OUTSIDE_ROOT'],
    ['a/../../x', 'OUTSIDE_ROOT'],
    ['a/..', 'OUTSIDE_ROOT'],
    ['a/../b', 'OUTSIDE_ROOT'],
    ['/etc/passwd', 'OUTSIDE_ROOT'],
    ['/', 'OUTSIDE_ROOT'],
    ['C:\\x', 'BAD_PATH'],
    ['C:/x', 'OUTSIDE_ROOT'],
    ['a\\b', 'BAD_PATH'],
    ['..\\x', 'BAD_PATH'],
    ['a\0b', 'BAD_PATH'],
    ['a/b\0', 'BAD_PATH'],
    ['a/b\u0001', 'BAD_PATH'],
    ['.git/config', 'HIDDEN_PATH'],
    ['a/.b', 'HIDDEN_PATH'],
    ['.hidden', 'HIDDEN_PATH'],
    ['.netroom-upload-0123456789abcdef', 'HIDDEN_PATH'],
    ['x'.repeat(256), 'BAD_PATH'],
  ])('refuses %j with %s', async (input, code) => {
    expect(() => checkPath(input)).toThrow(NetroomError);
    expect(await codeOf(lib.resolve(input))).toBe(code);
  });

  it('accepts a name of exactly 255 bytes', () => {
    expect(checkPath('x'.repeat(255))).toBe('x'.repeat(255));
    expect(() => checkPath('é'.repeat(128))).toThrow(NetroomError); // 256 bytes in UTF-8
  });

  it('refuses a symlink inside the root that points outside, as target and as parent', async () => {
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await fs.symlink(outside, path.join(root, 'out'));
    expect(await codeOf(lib.resolve('secret-link'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.resolve('out'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.resolve('out/secret.txt'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.resolve('out/not-yet/new.txt'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.openRead('secret-link'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.openRead('out/secret.txt'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.beginUpload('out/new.txt'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.remove('out/secret.txt'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.list('out'))).toBe('OUTSIDE_ROOT');
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses a relative symlink that climbs out of the root', async () => {
    await fs.symlink('../outside', path.join(root, 'up'));
    expect(await codeOf(lib.resolve('up/secret.txt'))).toBe('OUTSIDE_ROOT');
  });

  it('refuses a dangling symlink that points outside, as target and as parent', async () => {
    await fs.symlink(path.join(outside, 'not-there.txt'), path.join(root, 'dangling'));
    await fs.symlink(path.join(outside, 'no-dir'), path.join(root, 'dangling-dir'));
    expect(await codeOf(lib.resolve('dangling'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.resolve('dangling-dir/x.txt'))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(lib.beginUpload('dangling'))).toBe('OUTSIDE_ROOT');
  });

  it('refuses a symlink loop with a clear error', async () => {
    await fs.symlink(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
    await fs.symlink(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
    expect(await codeOf(lib.resolve('loop-a'))).toBe('OUTSIDE_ROOT');
  });

  it('refuses a sibling folder whose name starts with the root name', async () => {
    // "root-evil" starts with "root": a plain prefix test would take it for a child of "root".
    await fs.mkdir(path.join(base, 'root-evil'));
    await fs.writeFile(path.join(base, 'root-evil', 'x'), 'x');
    await fs.symlink(path.join(base, 'root-evil'), path.join(root, 'sib'));
    expect(await codeOf(lib.resolve('sib/x'))).toBe('OUTSIDE_ROOT');
  });

  it('accepts a symlink that stays inside the root', async () => {
    await put('real/data.txt', 'inside');
    await fs.symlink(path.join(root, 'real'), path.join(root, 'alias'));
    await fs.symlink('real/data.txt', path.join(root, 'data-link'));
    expect((await lib.resolve('alias/data.txt')).rel).toBe('alias/data.txt');
    expect((await readAll((await lib.openRead('data-link')).stream)).toString()).toBe('inside');
    expect((await readAll((await lib.openRead('alias/data.txt')).stream)).toString()).toBe('inside');
  });
});

describe('Library.list', () => {
  it('lists files and folders sorted by name, with type, size and mtime', async () => {
    await put('b.txt', 'bb');
    await put('a.txt', 'a');
    await put('dir/inner.txt', 'inner');
    await put('C.txt', 'ccc');
    await put('中文.txt', '中');
    const entries = await lib.list();
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['C.txt', 'file'],
      ['a.txt', 'file'],
      ['b.txt', 'file'],
      ['dir', 'dir'],
      ['中文.txt', 'file'],
    ]);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('b.txt')?.size).toBe(2);
    expect(byName.get('中文.txt')?.size).toBe(3);
    expect(byName.get('dir')?.size).toBe(0);
    const mtime = (await fs.stat(path.join(root, 'a.txt'))).mtimeMs;
    expect(byName.get('a.txt')?.mtime).toBe(Math.trunc(mtime));
  });

  it('reports mtime in whole milliseconds in the listing, stat and open (issue 9 item 23)', async () => {
    await put('dir/f.txt', 'x');
    // A modification time with a fraction of a millisecond, as nanosecond clocks give.
    const when = 1796535393.7335;
    await fs.utimes(path.join(root, 'dir/f.txt'), when, when);
    await fs.utimes(path.join(root, 'dir'), when, when);
    expect((await fs.stat(path.join(root, 'dir/f.txt'))).mtimeMs % 1).not.toBe(0);
    const listed = await lib.list('dir');
    const top = await lib.list();
    const stat = await lib.stat('dir/f.txt');
    const folder = await lib.stat('dir');
    const opened = await lib.openRead('dir/f.txt');
    opened.stream.destroy();
    const handle = await lib.openFile('dir/f.txt');
    await handle.handle.close();
    const times = [listed[0]?.mtime, top[0]?.mtime, stat.mtime, folder.mtime, opened.mtime, handle.mtime];
    expect(times).toEqual(Array(6).fill(1796535393733));
  });

  it('lists a subfolder', async () => {
    await put('dir/inner.txt', 'inner');
    await put('dir/sub/x', '');
    expect((await lib.list('dir')).map((e) => e.name)).toEqual(['inner.txt', 'sub']);
    expect((await lib.list('dir/sub')).map((e) => e.name)).toEqual(['x']);
  });

  it('hides dot-entries and upload temps', async () => {
    await put('.git/config', 'x');
    await put('.env', 'x');
    await put('.netroom-upload-0123456789abcdef', 'partial');
    await put('visible.txt', 'x');
    expect((await lib.list()).map((e) => e.name)).toEqual(['visible.txt']);
  });

  it('skips symlinks that lead outside, dangling symlinks and special files; keeps inside links', async () => {
    await put('real.txt', 'x');
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await fs.symlink(outside, path.join(root, 'out'));
    await fs.symlink(path.join(root, 'gone'), path.join(root, 'dangling'));
    await fs.symlink(path.join(root, 'real.txt'), path.join(root, 'inside-link'));
    execFileSync('mkfifo', [path.join(root, 'fifo')]);
    expect((await lib.list()).map((e) => [e.name, e.type])).toEqual([
      ['inside-link', 'file'],
      ['real.txt', 'file'],
    ]);
  });

  it('lists only names a client can send back, and every listed file can be opened by its name', async () => {
    await put('cafe\u0301.txt', 'decomposed'); // as a macOS client would have written it
    await put('caf\u00e9-nfc.txt', 'composed');
    await put('line\nbreak.txt', 'x');
    await put('back\\slash.txt', 'x');
    await put('tab\there.txt', 'x');
    const names = (await lib.list()).map((e) => e.name);
    expect(names).toEqual(['cafe\u0301.txt', 'caf\u00e9-nfc.txt']); // by code unit: e < é
    for (const name of names) {
      const file = await lib.openRead(name);
      expect((await readAll(file.stream)).length, name).toBe(file.size);
    }
  });

  it('gives NOT_FOUND for a missing folder and NOT_A_DIRECTORY for a file', async () => {
    await put('f.txt', 'x');
    expect(await codeOf(lib.list('missing'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.list('f.txt'))).toBe('NOT_A_DIRECTORY');
  });
});

describe('Library.openRead and stat', () => {
  const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));

  it('streams a whole file with its size and mtime', async () => {
    await put('big.bin', content);
    const file = await lib.openRead('big.bin');
    expect(file.size).toBe(content.length);
    expect(file.mtime).toBe(Math.trunc((await fs.stat(path.join(root, 'big.bin'))).mtimeMs));
    expect((await readAll(file.stream)).equals(content)).toBe(true);
  });

  it('streams an empty file', async () => {
    await put('empty', '');
    const file = await lib.openRead('empty');
    expect(file.size).toBe(0);
    expect((await readAll(file.stream)).length).toBe(0);
  });

  it('streams byte ranges, inclusive at both ends', async () => {
    await put('big.bin', content);
    const cases: Array<[{ start?: number; end?: number }, Buffer]> = [
      [{ start: 0, end: 0 }, content.subarray(0, 1)],
      [{ start: 10, end: 19 }, content.subarray(10, 20)],
      [{ start: 299_990 }, content.subarray(299_990)],
      [{ end: 99 }, content.subarray(0, 100)],
      [{ start: 299_999, end: 299_999 }, content.subarray(299_999)],
      [{ start: 100, end: 10_000_000 }, content.subarray(100)],
    ];
    for (const [range, expected] of cases) {
      const file = await lib.openRead('big.bin', range);
      expect(file.size, JSON.stringify(range)).toBe(content.length);
      expect((await readAll(file.stream)).equals(expected), JSON.stringify(range)).toBe(true);
    }
  });

  it('refuses a bad range with BAD_REQUEST', async () => {
    await put('f', 'hello');
    expect(await codeOf(lib.openRead('f', { start: 3, end: 1 }))).toBe('BAD_REQUEST');
    expect(await codeOf(lib.openRead('f', { start: -1 }))).toBe('BAD_REQUEST');
    expect(await codeOf(lib.openRead('f', { start: 1.5 }))).toBe('BAD_REQUEST');
  });

  it('gives NOT_A_FILE for a folder and NOT_FOUND for a missing file', async () => {
    await put('dir/x', 'x');
    expect(await codeOf(lib.openRead('dir'))).toBe('NOT_A_FILE');
    expect(await codeOf(lib.openRead(''))).toBe('NOT_A_FILE');
    expect(await codeOf(lib.openRead('missing.txt'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.openRead('missing/dir/x'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.openRead('dir/x/y'))).toBe('NOT_A_DIRECTORY');
  });

  it('refuses a named pipe with NOT_A_FILE instead of blocking on it', async () => {
    // Opening a FIFO for reading blocks until a writer appears, tying up a libuv worker thread.
    execFileSync('mkfifo', [path.join(root, 'fifo')]);
    expect(await codeOf(lib.openRead('fifo'))).toBe('NOT_A_FILE');
  });

  it('refuses hidden files even when they exist', async () => {
    await put('.secret', 'x');
    expect(await codeOf(lib.openRead('.secret'))).toBe('HIDDEN_PATH');
  });

  it('stat reports a file and a folder, and NOT_FOUND', async () => {
    await put('dir/f.txt', 'four');
    expect(await lib.stat('dir/f.txt')).toMatchObject({ name: 'f.txt', type: 'file', size: 4 });
    expect(await lib.stat('dir')).toMatchObject({ name: 'dir', type: 'dir' });
    expect(await codeOf(lib.stat('nope'))).toBe('NOT_FOUND');
  });
});

describe('Library.remove', () => {
  it('removes a file and an empty folder', async () => {
    await put('f.txt', 'x');
    await fs.mkdir(path.join(root, 'empty'));
    await lib.remove('f.txt');
    await lib.remove('empty');
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('refuses a folder that is not empty, with a message that says so', async () => {
    await put('dir/f.txt', 'x');
    const err = await lib.remove('dir').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetroomError);
    expect((err as NetroomError).code).toBe('NOT_EMPTY');
    expect((err as NetroomError).message).toMatch(/not empty/u);
    expect(await fs.readdir(path.join(root, 'dir'))).toEqual(['f.txt']);
  });

  it('removes a symlink itself, never what it points to', async () => {
    await put('real.txt', 'x');
    await fs.symlink(path.join(root, 'real.txt'), path.join(root, 'link'));
    await lib.remove('link');
    expect(await fs.readdir(root)).toEqual(['real.txt']);
  });

  it('refuses the root, missing names and hidden names', async () => {
    await put('.keep', 'x');
    expect(await codeOf(lib.remove(''))).toBe('BAD_PATH');
    expect(await codeOf(lib.remove('missing'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.remove('.keep'))).toBe('HIDDEN_PATH');
    expect(await fs.readdir(root)).toEqual(['.keep']);
  });
});

describe('fromSystemError', () => {
  const sys = (code: string) => Object.assign(new Error(code), { code });

  it.each([
    ['ENOENT', 'NOT_FOUND'],
    ['EISDIR', 'NOT_A_FILE'],
    ['ENOTDIR', 'NOT_A_DIRECTORY'],
    ['EEXIST', 'ALREADY_EXISTS'],
    ['ENOTEMPTY', 'NOT_EMPTY'],
    ['ENOSPC', 'DISK_FULL'],
    ['EDQUOT', 'DISK_FULL'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['EPERM', 'PERMISSION_DENIED'],
    ['EROFS', 'PERMISSION_DENIED'],
    ['ENAMETOOLONG', 'BAD_PATH'],
    ['EIO', 'IO_ERROR'],
  ])('maps %s to %s, naming the path', (errno, code) => {
    const err = fromSystemError(sys(errno), 'docs/a.txt');
    expect(err.code).toBe(code);
    expect(err.message).toContain('docs/a.txt');
  });

  it('passes a NetroomError through and copes with odd values', () => {
    const original = new NetroomError('TOO_LARGE', 'big');
    expect(fromSystemError(original, 'x')).toBe(original);
    expect(fromSystemError(undefined, 'x').code).toBe('IO_ERROR');
    expect(fromSystemError('weird', 'x').code).toBe('IO_ERROR');
  });
});

describe('Library: permissions', () => {
  const isRoot = process.getuid?.() === 0;

  // root ignores file modes (CAP_DAC_OVERRIDE), so a chmod-based refusal cannot happen when the
  // tests run as root; the mapping itself is covered by fromSystemError above.
  it.skipIf(isRoot)('a folder without write permission gives PERMISSION_DENIED on upload', async () => {
    await fs.mkdir(path.join(root, 'locked'));
    await fs.chmod(path.join(root, 'locked'), 0o555);
    try {
      expect(await codeOf(lib.beginUpload('locked/x.txt'))).toBe('PERMISSION_DENIED');
    } finally {
      await fs.chmod(path.join(root, 'locked'), 0o755);
    }
  });

  it.skipIf(isRoot)('an unreadable file gives PERMISSION_DENIED on read', async () => {
    await put('private.txt', 'x');
    await fs.chmod(path.join(root, 'private.txt'), 0o000);
    expect(await codeOf(lib.openRead('private.txt'))).toBe('PERMISSION_DENIED');
  });
});
