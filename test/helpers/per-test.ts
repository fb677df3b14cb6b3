// One rig per test: wraps a door's start function so the rig a test started is closed after that test.
import { afterEach } from 'vitest';

/** Registers an afterEach in the calling test file; returns `start` that remembers the rig it made, for closing. */
export function perTest<O, R extends { close(): Promise<void> }>(start: (options?: O) => Promise<R>): (options?: O) => Promise<R> {
  let rig: R | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  return async (options) => {
    rig = await start(options);
    return rig;
  };
}
