// Shared settings of the property-based fuzz tests (test/fuzz-*.test.ts): run counts, replaying a failure, chunkings.
import fc from 'fast-check';
import { isNetroomError, type NetroomError } from '../../src/core/errors.js';

/**
 * Run counts are multiplied by FUZZ_SCALE (default 1) for a longer local run. A failure prints
 * `{ seed: S, path: "P" }`; FUZZ_SEED=S FUZZ_PATH=P replays exactly that case (run the one test with -t).
 */
function parameters(numRuns: number): { numRuns: number; seed?: number; path?: string; endOnFailure?: boolean } {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  const runs = Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
  const seed = process.env.FUZZ_SEED;
  if (seed === undefined || seed === '') return { numRuns: runs };
  const path = process.env.FUZZ_PATH;
  return path === undefined || path === '' ? { numRuns: runs, seed: Number(seed) } : { numRuns: runs, seed: Number(seed), path, endOnFailure: true };
}

/** Check a synchronous property `numRuns` times (scaled, replayable: see above). */
export function check<Ts>(property: fc.IProperty<Ts>, numRuns: number): void {
  fc.assert(property, parameters(numRuns));
}

/** Check an asynchronous property `numRuns` times (scaled, replayable: see above). */
export async function checkAsync<Ts>(property: fc.IAsyncProperty<Ts>, numRuns: number): Promise<void> {
  await fc.assert(property, parameters(numRuns));
}

/** Cut `bytes` at the given positions (taken modulo its length, sorted): the chunks a socket might deliver. */
export function cut(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  if (bytes.length === 0) return [bytes];
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Cut positions for {@link cut}: up to 24 of them, so a stream arrives in up to 25 pieces (some empty). */
export const cuts: fc.Arbitrary<number[]> = fc.array(fc.nat(), { maxLength: 24 });

/** Bytes biased toward the ones protocols care about: line ends, spaces, `#`, `:`, `@`, 0xFF (telnet IAC), NUL. */
export function protocolBytes(maxLength: number): fc.Arbitrary<Buffer> {
  const special = fc.constantFrom(0x0a, 0x0d, 0x20, 0x23, 0x3a, 0x40, 0xff, 0x00, 0x2e, 0x2f, 0x5c, 0x3b, 0xf4, 0xfb);
  const byte = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 2, arbitrary: special }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });
  return fc.array(byte, { maxLength }).map((a) => Buffer.from(a));
}

/** Text with any code point, including control characters and astral ones (no lone surrogates: UTF-8 cannot carry them). */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: 'binary', maxLength });
}

/**
 * Call `fn`; a NetroomError (the documented error type) is returned as the outcome, anything else
 * thrown (a TypeError, a RangeError: a bug) propagates and fails the property.
 */
export function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: NetroomError } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (isNetroomError(err)) return { ok: false, error: err };
    throw err;
  }
}
