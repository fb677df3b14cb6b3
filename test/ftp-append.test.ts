// Units of core/append.ts (continued uploads) and core/move.ts (rename): prefixes kept byte-exact, nothing partial visible.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Continuations, KEPT_PREFIX, keptName } from '../src/core/append.js';
import { Library } from '../src/core/library.js';
import { moveEntry } from '../src/core/move.js';
import { codeOf } from './helpers/errors.js';
import { sha256, tempDir } from './helpers/seedfiles.js';

let dir: string;
let library: Library;
let uploads: Continuations;

beforeEach(async () => {
  dir = await tempDir('netroom-append-');
  library = new Library(path.join(dir, 'lib'));
  await library.init();
  uploads = new Continuations(library);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const file = (name: string): string => path.join(library.root, name);

async function write(upload: NodeJS.WritableStream, data: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => upload.write(data, (err) => (err ? reject(err) : resolve())));
}

describe('continuing what the server has', () => {
  test('REST n + STOR keeps the first n bytes of the visible file exactly (not zeros) and ends where the upload ends', async () => {
    const original = randomBytes(100_000);
    await fs.writeFile(file('big.bin'), original);
    const tail = randomBytes(30_000);
    const upload = await uploads.begin('big.bin', 60_000);
    await write(upload, tail);
    // Until commit the visible file is the old one, whole.
    expect(sha256(await fs.readFile(file('big.bin')))).toBe(sha256(original));
    const result = await upload.commit();
    const now = await fs.readFile(file('big.bin'));
    expect(now.length).toBe(90_000);
    expect(now.subarray(0, 60_000).equals(original.subarray(0, 60_000))).toBe(true);
    expect(now.subarray(0, 60_000).every((b) => b === 0)).toBe(false);
    expect(now.subarray(60_000).equals(tail)).toBe(true);
    expect(result).toEqual({ path: 'big.bin', size: 90_000, sha256: sha256(now) });
  });

  test('APPE continues at the end; a missing file is created', async () => {
    await fs.writeFile(file('log.txt'), 'one\n');
    const a = await uploads.begin('log.txt', 'end');
    await write(a, Buffer.from('two\n'));
    await a.commit();
    expect(await fs.readFile(file('log.txt'), 'utf8')).toBe('one\ntwo\n');
    const b = await uploads.begin('new.txt', 'end');
    await write(b, Buffer.from('x'));
    await b.commit();
    expect(await fs.readFile(file('new.txt'), 'utf8')).toBe('x');
  });

  test('a restart beyond what the server has is refused before anything is written', async () => {
    await fs.writeFile(file('s.txt'), 'short');
    const err = await uploads.begin('s.txt', 6).catch((e: unknown) => e);
    expect((err as { code: string; params: Record<string, unknown> }).code).toBe('BAD_REQUEST');
    expect((err as { params: Record<string, unknown> }).params.restart).toBe('6');
    expect(await fs.readdir(library.root)).toEqual(['s.txt']);
  });
});

describe('dropped uploads', () => {
  test('keep() hides the bytes; base() reports them; a continuation from them completes the file byte-exact', async () => {
    const whole = randomBytes(50_000);
    const first = await uploads.begin('up.bin', 0);
    await write(first, whole.subarray(0, 20_000));
    expect(await first.keep()).toBe(20_000);
    const names = await fs.readdir(library.root);
    expect(names).toEqual([keptName(file('up.bin'))]);
    expect(names[0]!.startsWith(KEPT_PREFIX)).toBe(true);
    expect(await library.list('')).toEqual([]);
    expect(await uploads.base('up.bin')).toEqual({ source: 'kept', size: 20_000 });
    const second = await uploads.begin('up.bin', 'end');
    await write(second, whole.subarray(20_000));
    const result = await second.commit();
    expect(result.sha256).toBe(sha256(whole));
    expect(await fs.readdir(library.root)).toEqual(['up.bin']);
  });

  test('abort() leaves nothing; a fresh upload over a kept one drops the kept bytes at commit', async () => {
    const a = await uploads.begin('x.bin', 0);
    await write(a, Buffer.from('partial'));
    await a.abort();
    expect(await fs.readdir(library.root)).toEqual([]);
    const b = await uploads.begin('x.bin', 0);
    await write(b, Buffer.from('part'));
    await b.keep();
    const c = await uploads.begin('x.bin', 0);
    await write(c, Buffer.from('fresh'));
    await c.commit();
    expect(await fs.readdir(library.root)).toEqual(['x.bin']);
    expect(await fs.readFile(file('x.bin'), 'utf8')).toBe('fresh');
  });

  test('forget() drops the kept bytes of a name (DELE): nothing is left to continue', async () => {
    const a = await uploads.begin('gone.bin', 0);
    await write(a, Buffer.from('abc'));
    await a.keep();
    await uploads.forget('gone.bin');
    expect(await uploads.base('gone.bin')).toEqual({ source: 'none', size: 0 });
    expect(await fs.readdir(library.root)).toEqual([]);
  });

  test('prune() removes kept uploads older than the TTL only', async () => {
    let now = Date.now();
    const store = new Continuations(library, { ttlMs: 1000, now: () => now });
    const a = await store.begin('old.bin', 0);
    await write(a, Buffer.from('x'));
    await a.keep();
    expect(await store.prune()).toBe(0);
    now += 10_000;
    expect(await store.prune()).toBe(1);
    expect(await fs.readdir(library.root)).toEqual([]);
  });
});

describe('library rules', () => {
  test('--no-overwrite refuses changing an existing file; --max-upload counts the kept prefix', async () => {
    const strict = new Library(path.join(dir, 'strict'), { noOverwrite: true, maxUpload: 10 });
    await strict.init();
    await fs.writeFile(path.join(strict.root, 'a'), 'abc');
    const store = new Continuations(strict);
    expect(await codeOf(store.begin('a', 'end'))).toBe('ALREADY_EXISTS');
    const b = await store.begin('b', 0);
    await write(b, Buffer.from('12345678')).catch(() => undefined);
    const err = await new Promise<unknown>((resolve) => {
      b.on('error', resolve);
      b.write(Buffer.from('90ab'));
    });
    expect((err as { code: string }).code).toBe('TOO_LARGE');
    await b.abort();
  });

  test('hidden names, traversal and folders are refused', async () => {
    await fs.mkdir(file('d'));
    expect(await codeOf(uploads.begin('.secret', 0))).toBe('HIDDEN_PATH');
    expect(await codeOf(uploads.begin('../x', 0))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(uploads.begin('d', 0))).toBe('NOT_A_FILE');
  });
});

describe('moveEntry', () => {
  test('renames a file, moves into a folder, replaces a file, refuses folders over names and into themselves', async () => {
    await fs.writeFile(file('a.txt'), 'a');
    await fs.writeFile(file('b.txt'), 'b');
    await fs.mkdir(file('d'));
    await moveEntry(library, 'a.txt', 'd/a2.txt');
    expect(await fs.readFile(file('d/a2.txt'), 'utf8')).toBe('a');
    await moveEntry(library, 'b.txt', 'd/a2.txt');
    expect(await fs.readFile(file('d/a2.txt'), 'utf8')).toBe('b');
    await fs.writeFile(file('c.txt'), 'c');
    expect(await codeOf(moveEntry(library, 'c.txt', 'd'))).toBe('ALREADY_EXISTS');
    expect(await codeOf(moveEntry(library, 'd', 'd/inner'))).toBe('BAD_REQUEST');
    expect(await codeOf(moveEntry(library, 'missing', 'x'))).toBe('NOT_FOUND');
    expect(await codeOf(moveEntry(library, 'c.txt', '.hidden'))).toBe('HIDDEN_PATH');
    expect(await codeOf(moveEntry(library, 'c.txt', 'nowhere/c.txt'))).toBe('NOT_FOUND');
  });

  test('--no-overwrite refuses replacing a file', async () => {
    const strict = new Library(path.join(dir, 'strict2'), { noOverwrite: true });
    await strict.init();
    await fs.writeFile(path.join(strict.root, 'a'), 'a');
    await fs.writeFile(path.join(strict.root, 'b'), 'b');
    expect(await codeOf(moveEntry(strict, 'a', 'b'))).toBe('ALREADY_EXISTS');
    expect(await fs.readFile(path.join(strict.root, 'b'), 'utf8')).toBe('b');
  });
});
