// The resumable-upload store behind the HTTP door (core/partial.ts) and the Library additions it uses.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../src/core/library.js';
import { PartialStore, ResumeConflict, type PartialUpload } from '../src/core/partial.js';
import { codeOf } from './helpers/errors.js';
import { sha256 } from './helpers/http.js';

let base: string;
let root: string;
let library: Library;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(tmpdir(), 'netroom-partial-'));
  root = path.join(base, 'files');
  library = new Library(root);
  await library.init();
});
afterEach(() => fs.rm(base, { recursive: true, force: true }));

/** Write `data` into an upload and keep it as if the client vanished. */
async function interrupt(upload: PartialUpload, data: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => upload.write(data, (err) => (err ? reject(err) : resolve())));
  await upload.keep();
}

describe('PartialStore', () => {
  it('keeps an interrupted upload, reports it, continues it and hashes the whole file', async () => {
    const store = new PartialStore(library);
    const whole = randomBytes(300_000);
    await interrupt(await store.begin('a.bin', { total: whole.length }), whole.subarray(0, 120_000));
    expect(await store.status('a.bin')).toEqual({ path: 'a.bin', offset: 120_000, total: whole.length });
    expect(await library.list()).toEqual([]);
    const rest = await store.begin('a.bin', { total: whole.length, start: 120_000 });
    expect(await store.status('a.bin')).toMatchObject({ offset: 120_000 }); // running: reported from memory
    rest.write(whole.subarray(120_000));
    expect(await rest.commit()).toEqual({ path: 'a.bin', size: whole.length, sha256: sha256(whole), created: true });
    expect(await store.status('a.bin')).toBeNull();
    expect(await fs.readdir(root)).toEqual(['a.bin']);
  });

  it('refuses a continuation at the wrong offset, a second one at once, and one with nothing kept', async () => {
    const store = new PartialStore(library);
    await interrupt(await store.begin('b.bin', { total: 1000 }), randomBytes(400));
    const wrong = await store.begin('b.bin', { total: 1000, start: 300 }).catch((err: unknown) => err);
    expect(wrong).toBeInstanceOf(ResumeConflict);
    expect((wrong as ResumeConflict).offset).toBe(400);
    const first = await store.begin('b.bin', { total: 1000, start: 400 });
    const second = await store.begin('b.bin', { total: 1000, start: 400 }).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(ResumeConflict);
    expect((second as ResumeConflict).offset).toBeNull();
    await first.abort();
    const none = await store.begin('b.bin', { total: 1000, start: 400 }).catch((err: unknown) => err);
    expect((none as ResumeConflict).offset).toBe(0);
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('refuses a declared size over the limit and bytes past the declared end', async () => {
    const small = new Library(path.join(base, 'small'), { maxUpload: 100 });
    await small.init();
    expect(await codeOf(new PartialStore(small).begin('x', { total: 101 }))).toBe('TOO_LARGE');
    const store = new PartialStore(library);
    const upload = await store.begin('y', { total: 10 });
    upload.write(randomBytes(11));
    expect(await codeOf(upload.commit())).toBe('BAD_REQUEST');
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('keeps nothing for an upload of unknown size or with no byte received', async () => {
    const store = new PartialStore(library);
    await interrupt(await store.begin('u.bin'), randomBytes(100));
    expect(await (await store.begin('v.bin', { total: 50 })).keep()).toBeNull();
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('prunes kept uploads older than the TTL, never younger ones or uploads in progress', async () => {
    let now = Date.now();
    const store = new PartialStore(library, { ttlMs: 60_000, now: () => now });
    await fs.mkdir(path.join(root, 'sub'));
    await interrupt(await store.begin('sub/old.bin', { total: 100 }), randomBytes(10));
    const running = await store.begin('running.bin', { total: 100 });
    now += 120_000;
    await interrupt(await store.begin('young.bin', { total: 100 }), randomBytes(10));
    // Written "now" by the store's clock (the real clock lags it by two minutes).
    const young = (await fs.readdir(root)).find((n) => /^\.netroom-partial-[0-9a-f]{32}-100$/u.test(n)) ?? '';
    await fs.utimes(path.join(root, young), new Date(now), new Date(now));
    expect(await store.prune()).toBe(1);
    expect(await store.status('sub/old.bin')).toBeNull();
    expect(await store.status('young.bin')).toMatchObject({ offset: 10 });
    running.write(randomBytes(100));
    expect((await running.commit()).size).toBe(100);
  });

  it('Library.init() removes upload leftovers but keeps kept partial uploads', async () => {
    const store = new PartialStore(library);
    await interrupt(await store.begin('keep.bin', { total: 100 }), randomBytes(10));
    await fs.writeFile(path.join(root, '.netroom-upload-0123456789abcdef'), 'leftover');
    await new Library(root).init();
    expect(await store.status('keep.bin')).toEqual({ path: 'keep.bin', offset: 10, total: 100 });
    expect((await fs.readdir(root)).filter((n) => n.startsWith('.netroom-upload-'))).toEqual([]);
  });

  it('never lets a hidden or traversing name through', async () => {
    const store = new PartialStore(library);
    expect(await codeOf(store.begin('.netroom-partial-x', { total: 1 }))).toBe('HIDDEN_PATH');
    expect(await codeOf(store.begin('../x', { total: 1 }))).toBe('OUTSIDE_ROOT');
    expect(await codeOf(store.status('../x'))).toBe('OUTSIDE_ROOT');
  });
});

describe('Library additions', () => {
  it('mkdir creates one folder; an existing name or a missing parent is refused', async () => {
    expect(await library.mkdir('new')).toMatchObject({ rel: 'new' });
    expect(await codeOf(library.mkdir('new'))).toBe('ALREADY_EXISTS');
    expect(await codeOf(library.mkdir('a/b'))).toBe('NOT_FOUND');
    expect(await codeOf(library.mkdir(''))).toBe('ALREADY_EXISTS');
    expect(await codeOf(library.mkdir('.hidden'))).toBe('HIDDEN_PATH');
  });

  it('openFile stats through its own handle; prepareUpload checks the target; uploadRules reports the limits', async () => {
    await fs.writeFile(path.join(root, 'f.txt'), 'hello');
    const file = await library.openFile('f.txt');
    expect([file.size, file.rel]).toEqual([5, 'f.txt']);
    await file.handle.close();
    expect(await codeOf(library.openFile(''))).toBe('NOT_A_FILE');
    await fs.mkdir(path.join(root, 'd'));
    expect(await codeOf(library.prepareUpload('d'))).toBe('NOT_A_FILE');
    expect(await codeOf(library.prepareUpload('missing/x'))).toBe('NOT_FOUND');
    expect(await library.prepareUpload('d/x')).toMatchObject({ rel: 'd/x' });
    expect(library.uploadRules).toEqual({ noOverwrite: false, maxUpload: Infinity });
  });
});
