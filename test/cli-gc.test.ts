// The CLI's garbage-collector setting: applied by default, left alone when the user chose one.
import { describe, expect, it } from 'vitest';
import { tuneGarbageCollector } from '../src/cli/gc.js';

describe('tuneGarbageCollector', () => {
  it('leaves V8 alone when the node command line names an incremental-marking flag, or NETROOM_INCREMENTAL_MARKING=1', () => {
    expect(tuneGarbageCollector(['--incremental-marking'], {})).toBe(false);
    expect(tuneGarbageCollector(['--trace-gc', '--no-incremental-marking'], {})).toBe(false);
    expect(tuneGarbageCollector([], { NETROOM_INCREMENTAL_MARKING: '1' })).toBe(false);
  });

  it('turns incremental marking off otherwise', () => {
    expect(tuneGarbageCollector(['--trace-gc'], { NODE_OPTIONS: '--max-old-space-size=512', NETROOM_INCREMENTAL_MARKING: '0' })).toBe(true);
  });
});
