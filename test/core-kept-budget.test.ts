// Issue 10 item 5: kept interrupted uploads live within a disk budget, in total and per client address; the oldest give way.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Continuations } from '../src/core/append.js';
import { KeptBudget } from '../src/core/kept-budget.js';
import { Library, type LibraryOptions } from '../src/core/library.js';
import { PartialStore, type PartialUpload } from '../src/core/partial.js';

const MiB = 1024 * 1024;
let base: string;
let root: string;
let logged: Array<{ fields: Record<string, unknown>; message: string }>;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(tmpdir(), 'netroom-budget-'));
  root = path.join(base, 'files');
  logged = [];
});
afterEach(() => fs.rm(base, { recursive: true, force: true }));

async function library(options: LibraryOptions = {}): Promise<Library> {
  const lib = new Library(root, { ...options, log: (fields, message) => logged.push({ fields, message }) });
  await lib.init();
  return lib;
}

/** Start an upload of `total` bytes from `address`, send `sent` of them, and keep it as if the client vanished. */
async function interrupted(store: PartialStore, name: string, total: number, sent: number, address: string): Promise<boolean> {
  const upload: PartialUpload = await store.begin(name, { total, by: { door: 'http', address } });
  await new Promise<void>((resolve, reject) => upload.write(randomBytes(sent), (err) => (err ? reject(err) : resolve())));
  return (await upload.keep()) !== null;
}

/** The hidden kept files under the root, by name of the file they would become (via HEAD-like status). */
async function keptNames(store: PartialStore, names: string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const name of names) if ((await store.status(name)) !== null) kept.push(name);
  return kept;
}

async function hiddenBytes(): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(root)) if (name.startsWith('.')) total += (await fs.stat(path.join(root, name))).size;
  return total;
}

describe('kept partial uploads: the budget', () => {
  it('in total: a new kept upload evicts the oldest, and the kept bytes stay within the budget', async () => {
    const store = new PartialStore(await library({ partialBudget: 10 * MiB, partialBudgetPerAddress: 10 * MiB }));
    expect(await interrupted(store, 'a.bin', 6 * MiB, 4 * MiB, '10.0.0.1')).toBe(true);
    expect(await interrupted(store, 'b.bin', 6 * MiB, 4 * MiB, '10.0.0.2')).toBe(true);
    expect(await interrupted(store, 'c.bin', 6 * MiB, 4 * MiB, '10.0.0.3')).toBe(true);
    expect(await keptNames(store, ['a.bin', 'b.bin', 'c.bin'])).toEqual(['b.bin', 'c.bin']);
    expect(await hiddenBytes()).toBeLessThanOrEqual(10 * MiB);
    expect(logged.filter((l) => l.message === 'kept partial upload evicted').map((l) => l.fields['reason'])).toEqual(['total budget']);
  });

  it('per address: one address evicts its own oldest, not the others', async () => {
    const store = new PartialStore(await library({ partialBudget: 100 * MiB, partialBudgetPerAddress: 5 * MiB }));
    expect(await interrupted(store, 'other.bin', 4 * MiB, 3 * MiB, '10.0.0.9')).toBe(true);
    expect(await interrupted(store, 'one.bin', 4 * MiB, 3 * MiB, '10.0.0.1')).toBe(true);
    expect(await interrupted(store, 'two.bin', 4 * MiB, 3 * MiB, '10.0.0.1')).toBe(true);
    expect(await keptNames(store, ['other.bin', 'one.bin', 'two.bin'])).toEqual(['other.bin', 'two.bin']);
    expect(logged.find((l) => l.message === 'kept partial upload evicted')?.fields).toMatchObject({ address: '10.0.0.1', reason: 'per-address budget' });
  });

  it('larger than a cap: not kept at all, and a line says so', async () => {
    const store = new PartialStore(await library({ partialBudget: 10 * MiB, partialBudgetPerAddress: 2 * MiB }));
    expect(await interrupted(store, 'big.bin', 6 * MiB, 3 * MiB, '10.0.0.1')).toBe(false);
    expect(await hiddenBytes()).toBe(0);
    expect(logged.map((l) => l.message)).toContain('interrupted upload not kept: larger than the partial-upload budget');
  });

  it('a budget of 0 keeps nothing (HTTP and FTP uploads alike)', async () => {
    const lib = await library({ partialBudget: 0 });
    expect(await interrupted(new PartialStore(lib), 'a.bin', 100, 10, '10.0.0.1')).toBe(false);
    const ftp = await new Continuations(lib).begin('f.bin', 0, { door: 'ftp', address: '10.0.0.1' });
    await new Promise<void>((resolve, reject) => ftp.write(Buffer.from('abc'), (err) => (err ? reject(err) : resolve())));
    expect(await ftp.keep()).toBeNull();
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('FTP kept uploads count in the same budget as HTTP ones', async () => {
    const lib = await library({ partialBudget: 5 * MiB, partialBudgetPerAddress: 5 * MiB });
    const store = new PartialStore(lib);
    expect(await interrupted(store, 'h.bin', 4 * MiB, 3 * MiB, '10.0.0.1')).toBe(true);
    const ftp = await new Continuations(lib).begin('f.bin', 0, { door: 'ftp', address: '10.0.0.2' });
    await new Promise<void>((resolve, reject) => ftp.write(randomBytes(3 * MiB), (err) => (err ? reject(err) : resolve())));
    expect(await ftp.keep()).toBe(3 * MiB);
    expect(await keptNames(store, ['h.bin'])).toEqual([]);
    expect((await lib.keptBudget.usage()).bytes).toBe(3 * MiB);
  });
});

describe('kept partial uploads: room on a small disk', () => {
  /** A budget over `root` on a pretend disk of `disk` bytes where only the kept files take space. */
  function onDisk(disk: number, options: { total?: number | null } = {}): KeptBudget {
    const budget: KeptBudget = new KeptBudget(() => root, {
      ...options,
      log: (fields, message) => logged.push({ fields, message }),
      freeBytes: async () => disk - (await budget.usage()).bytes,
    });
    return budget;
  }

  async function keep(name: string, size: number): Promise<string> {
    const file = path.join(root, `.netroom-kept-${name.padEnd(32, '0')}`);
    await fs.writeFile(file, Buffer.alloc(size));
    return file;
  }

  it('auto: at most a quarter of a 20 MiB disk, so three 6 MiB leftovers cannot fill it', async () => {
    await fs.mkdir(root, { recursive: true });
    const budget = onDisk(20 * MiB);
    // 6 MiB is more than a quarter of the 20 MiB the library can use: not kept.
    expect(await budget.admit(path.join(root, '.netroom-kept-'.padEnd(46, 'a')), 6 * MiB, '10.0.0.1')).toBe(false);
    expect(await budget.admit(path.join(root, '.netroom-kept-'.padEnd(46, 'b')), 1 * MiB, '10.0.0.1')).toBe(true);
  });

  it('a new upload that declares more than the free space makes the oldest kept files give way', async () => {
    await fs.mkdir(root, { recursive: true });
    const budget = onDisk(20 * MiB, { total: 100 * MiB });
    const old = await keep('a', 6 * MiB);
    await fs.utimes(old, new Date(1000), new Date(1000));
    await keep('b', 6 * MiB);
    await keep('c', 6 * MiB);
    await budget.makeRoom(6 * MiB); // 2 MiB free: one kept file must go, the oldest
    expect((await fs.readdir(root)).sort()).toEqual([`.netroom-kept-${'b'.padEnd(32, '0')}`, `.netroom-kept-${'c'.padEnd(32, '0')}`]);
    expect(logged.map((l) => l.message)).toEqual(['kept partial upload evicted']);
  });

  it('an upload that would not fit even without any kept file removes none', async () => {
    await fs.mkdir(root, { recursive: true });
    const budget = onDisk(20 * MiB, { total: 100 * MiB });
    await keep('a', 6 * MiB);
    await budget.makeRoom(30 * MiB);
    expect(await fs.readdir(root)).toHaveLength(1);
    expect(logged).toEqual([]);
  });
});
