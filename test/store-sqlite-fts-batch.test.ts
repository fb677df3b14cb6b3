// Tests of when the history's full-text index catches up: whole batches right after their write, a smaller backlog later, search always complete.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FTS_INDEX_BATCH, FTS_INDEX_CHUNK, FTS_INDEX_DELAY_MS } from '../src/store/sqlite-options.js';
import { cleanUp, written, open, say, tempDir } from './helpers/store.js';

afterEach(async () => {
  vi.useRealTimers();
  await cleanUp();
});

const everyone = { rooms: ['#lobby'] };

describe('SqliteHistory: full-text indexing in batches', () => {
  it('starts indexing a full batch in the turn that writes it (one chunk), not one small step per delay', async () => {
    const store = open(await tempDir());
    for (let i = 0; i < FTS_INDEX_BATCH - 1; i++) store.append(say('#lobby', 'x', `line ${i} of the burst`));
    await written();
    expect(store.ftsBacklog).toBe(FTS_INDEX_BATCH - 1);
    store.append(say('#lobby', 'x', 'the line that fills the batch'));
    await written();
    expect(store.ftsBacklog).toBe(FTS_INDEX_BATCH - Math.min(FTS_INDEX_BATCH, FTS_INDEX_CHUNK));
    expect((await store.search('fills', everyone, 5)).map((e) => e.text)).toEqual(['the line that fills the batch']);
  });

  it('indexes a smaller backlog once writing paused for FTS_INDEX_DELAY_MS, and search finds it before that', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = open(await tempDir());
    store.append(say('#lobby', 'x', 'a quiet afternoon'));
    await written();
    expect(store.ftsBacklog).toBe(1);
    vi.advanceTimersByTime(FTS_INDEX_DELAY_MS - 1);
    expect(store.ftsBacklog).toBe(1);
    vi.advanceTimersByTime(1);
    expect(store.ftsBacklog).toBe(0);
    // Writing that goes on puts the step off: full batches index a steady stream.
    store.append(say('#lobby', 'x', 'another quiet line'));
    await written();
    vi.advanceTimersByTime(FTS_INDEX_DELAY_MS - 1);
    store.append(say('#lobby', 'x', 'and one more quiet line'));
    await written();
    vi.advanceTimersByTime(FTS_INDEX_DELAY_MS - 1);
    expect(store.ftsBacklog).toBe(2);
    expect((await store.search('quiet', everyone, 5)).map((e) => e.text)).toEqual(['and one more quiet line', 'another quiet line', 'a quiet afternoon']);
    expect(store.ftsBacklog).toBe(0);
  });
});
