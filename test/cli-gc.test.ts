// The CLI's garbage-collector setting: applied by default, left alone when the user chose one.
import { describe, expect, it } from 'vitest';
import { tuneGarbageCollector } from '../src/cli/gc.js';

describe('tuneGarbageCollector', () => {
  it('leaves V8 alone when an incremental-marking flag was given on the command line or in NODE_OPTIONS', () => {
    expect(tuneGarbageCollector(['--incremental-marking'], '')).toBe(false);
    expect(tuneGarbageCollector(['--trace-gc'], '--max-old-space-size=512 --no-incremental-marking')).toBe(false);
  });

  it('turns incremental marking off otherwise', () => {
    expect(tuneGarbageCollector(['--trace-gc'], '--max-old-space-size=512')).toBe(true);
  });
});
