// The seed door's shared `L` listing: reused while the root is unchanged and quiet, read anew after any change.
import { mkdtemp, rm, writeFile, readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RootListingCache } from '../src/doors/seedfiles/listing-cache.js';

describe('RootListingCache', () => {
  let root: string;
  let reads: number;
  const read = async (): Promise<string[]> => {
    reads += 1;
    return (await readdir(root)).sort();
  };
  // An old root: set its mtime an hour back, so the listing counts as quiet.
  const settle = async (): Promise<void> => {
    const past = new Date(Date.now() - 3_600_000);
    await utimes(root, past, past);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'netroom-listing-'));
    reads = 0;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads once while the root is unchanged, and anew after a file is added', async () => {
    await writeFile(join(root, 'a.txt'), 'a');
    await settle();
    const cache = new RootListingCache(root, read);
    expect(await cache.names()).toEqual(['a.txt']);
    expect(await cache.names()).toEqual(['a.txt']);
    expect(reads).toBe(1);
    await writeFile(join(root, 'b.txt'), 'b');
    expect(await cache.names()).toEqual(['a.txt', 'b.txt']);
    expect(reads).toBe(2);
  });

  it('keeps nothing while the root changed within the quiet period (a same-tick change could be missed)', async () => {
    await writeFile(join(root, 'a.txt'), 'a');
    const cache = new RootListingCache(root, read);
    await cache.names();
    await cache.names();
    expect(reads).toBe(2);
  });

  it('concurrent misses share one read', async () => {
    await writeFile(join(root, 'a.txt'), 'a');
    await settle();
    const cache = new RootListingCache(root, read);
    const all = await Promise.all(Array.from({ length: 8 }, () => cache.names()));
    expect(all.every((names) => names.join() === 'a.txt')).toBe(true);
    expect(reads).toBe(1);
  });
});
