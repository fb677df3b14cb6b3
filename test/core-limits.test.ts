// Unit tests of the token bucket and the --flood grammar (src/core/limits.ts); time is injected.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLOOD, TokenBucket, parseFlood } from '../src/core/limits.js';

/** How many tokens can be taken at `now` before the bucket refuses (stops at `cap`). */
function drain(bucket: TokenBucket, now: number, cap = 1000): number {
  let n = 0;
  while (n < cap && bucket.take(now)) n += 1;
  return n;
}

describe('TokenBucket', () => {
  it('allows a full burst, then refuses', () => {
    const bucket = new TokenBucket({ rate: 10, burst: 20 }, 0);
    for (let i = 0; i < 20; i += 1) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(0)).toBe(false);
  });

  it('refills at `rate` tokens a second of injected time', () => {
    const bucket = new TokenBucket({ rate: 10, burst: 20 }, 1_000);
    expect(drain(bucket, 1_000)).toBe(20);
    expect(bucket.take(1_050)).toBe(false); // half a token
    expect(bucket.take(1_100)).toBe(true); // one token after 100 ms in total
    expect(bucket.take(1_100)).toBe(false);
    expect(drain(bucket, 1_600)).toBe(5); // 500 ms later: 5 tokens
  });

  it('never saves up more than `burst`, however long it waits', () => {
    const bucket = new TokenBucket({ rate: 10, burst: 20 }, 0);
    expect(drain(bucket, 0)).toBe(20);
    expect(drain(bucket, 3_600_000)).toBe(20);
    const idle = new TokenBucket({ rate: 100, burst: 3 }, 0);
    expect(drain(idle, 10_000_000)).toBe(3);
  });

  it('refills steadily: one message per 1/rate second is always allowed', () => {
    const bucket = new TokenBucket({ rate: 10, burst: 1 }, 0);
    for (let i = 0; i < 1000; i += 1) {
      expect(bucket.take(i * 100), `message ${i}`).toBe(true);
      expect(bucket.take(i * 100)).toBe(false);
    }
  });

  it('works with a fractional rate', () => {
    const bucket = new TokenBucket({ rate: 0.5, burst: 1 }, 0);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(1_000)).toBe(false);
    expect(bucket.take(1_999)).toBe(false);
    expect(bucket.take(2_000)).toBe(true);
  });

  it('refills exactly even when intervals do not add up in binary floating point', () => {
    // 1/3 s steps at 3/s: each refill is 0.999... in binary floating point, yet worth one token.
    const bucket = new TokenBucket({ rate: 3, burst: 1 }, 0);
    expect(bucket.take(0)).toBe(true);
    let now = 0;
    for (let i = 0; i < 300; i += 1) {
      now += 1000 / 3;
      expect(bucket.take(now), `step ${i}`).toBe(true);
    }
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket({ rate: 10, burst: 2 }, 10_000);
    expect(drain(bucket, 10_000)).toBe(2);
    expect(bucket.take(5_000)).toBe(false);
  });

  it('the default is 10 a second with bursts of 20', () => {
    expect(DEFAULT_FLOOD).toEqual({ rate: 10, burst: 20 });
  });
});

describe('parseFlood', () => {
  it('parses RATE:BURST', () => {
    expect(parseFlood('10:20')).toEqual({ rate: 10, burst: 20 });
    expect(parseFlood('1:1')).toEqual({ rate: 1, burst: 1 });
    expect(parseFlood('0.5:1')).toEqual({ rate: 0.5, burst: 1 });
    expect(parseFlood('1000:5000')).toEqual({ rate: 1000, burst: 5000 });
  });

  it('parses off as null', () => {
    expect(parseFlood('off')).toBeNull();
  });

  it.each(['', 'on', '10', '10:', ':20', '10:20:30', '0:20', '0.0:5', '10:0', '-1:20', '10:-1', '10:2.5', 'a:b', ' 10:20', '10:20 ', '1e3:5', '.5:1', '10/20', 'Infinity:1', 'NaN:1'])(
    'throws on %j',
    (value) => {
      expect(() => parseFlood(value)).toThrow(/--flood/u);
    },
  );
});
