// The SQLite history's write-behind: while a door has input waiting its rows wait (bounded in rows and time); reads and close still see everything.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAfterOutput } from '../src/net/after-output.js';
import { WRITE_BEHIND_MS, WRITE_BEHIND_ROWS } from '../src/store/sqlite-options.js';
import { cleanUp, fileValue, open, say, tempDir, written } from './helpers/store.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanUp();
});

describe('SqliteHistory: write-behind during a burst', () => {
  it('keeps rows queued while input waits, and writes them once the burst pauses', async () => {
    const store = open(await tempDir());
    store.append(say('#lobby', 'ann', 'one'));
    store.append(say('#lobby', 'ann', 'two'));
    // A door flushed its output and has more input to read: the commit waits.
    runAfterOutput(true);
    expect(store.queued).toBe(2);
    runAfterOutput(true);
    expect(store.queued).toBe(2);
    // The burst paused: written now.
    runAfterOutput(false);
    expect(store.queued).toBe(0);
    expect((await store.recent({ room: '#lobby' }, 5)).map((e) => e.text)).toEqual(['one', 'two']);
  });

  it('a read during write-behind writes the queue first and sees every row', async () => {
    const store = open(await tempDir());
    store.append(say('#lobby', 'ann', 'queued'));
    runAfterOutput(true);
    expect(store.queued).toBe(1);
    expect((await store.recent({ room: '#lobby' }, 5)).map((e) => e.text)).toEqual(['queued']);
    expect(store.queued).toBe(0);
  });

  it(`writes anyway once ${WRITE_BEHIND_ROWS} rows wait`, async () => {
    const store = open(await tempDir());
    for (let i = 0; i < WRITE_BEHIND_ROWS - 1; i++) store.append(say('#lobby', 'ann', `m${i}`));
    runAfterOutput(true);
    expect(store.queued).toBe(WRITE_BEHIND_ROWS - 1);
    store.append(say('#lobby', 'ann', 'the last straw'));
    runAfterOutput(true);
    expect(store.queued).toBe(0);
  });

  it(`writes anyway once the oldest row waited ${WRITE_BEHIND_MS} ms`, async () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const store = open(await tempDir());
    store.append(say('#lobby', 'ann', 'old'));
    now += WRITE_BEHIND_MS - 1;
    store.append(say('#lobby', 'ann', 'newer'));
    runAfterOutput(true);
    expect(store.queued).toBe(2);
    now += 1;
    runAfterOutput(true);
    expect(store.queued).toBe(0);
  });

  it('with no door to say so (the fallback after the turn), writes at once; close writes what is queued', async () => {
    const dir = await tempDir();
    const store = open(dir);
    store.append(say('#lobby', 'ann', 'alone'));
    await written();
    expect(store.queued).toBe(0);
    store.append(say('#lobby', 'ann', 'at the stop'));
    runAfterOutput(true);
    store.close();
    expect(fileValue(dir, 'SELECT count(*) FROM events')).toBe(2);
  });
});
