// Unit tests of the PostgreSQL history's ids: time-ordered, unique per node slot, never going back, exact as JS numbers past 2200.
import { describe, expect, it } from 'vitest';
import { IdClock, SCALE, msOfId } from '../src/engine/store/postgres/history-ids.js';
import { SLOTS } from '../src/engine/store/postgres/history-schema.js';

describe('IdClock', () => {
  it('makes ids that carry the ms and the slot, increasing within one node', () => {
    let now = 1_800_000_000_000;
    const ids = new IdClock(5, 0, () => now);
    const a = ids.next();
    const b = ids.next();
    now += 1;
    const c = ids.next();
    expect(msOfId(a)).toBe(1_800_000_000_000);
    expect(Math.floor((a % SCALE) / (SCALE / SLOTS))).toBe(5);
    expect(b).toBe(a + 1);
    expect(msOfId(c)).toBe(now);
    expect(c).toBeGreaterThan(b);
  });

  it('borrows the next ms when 64 ids are used within one, and never goes back when the clock does', () => {
    let now = 1_800_000_000_000;
    const ids = new IdClock(0, 0, () => now);
    const made = Array.from({ length: 200 }, () => ids.next());
    for (let i = 1; i < made.length; i++) expect(made[i] as number).toBeGreaterThan(made[i - 1] as number);
    expect(msOfId(made[199] as number)).toBe(now + 3);
    // Slot bits stay the node's own: never 64 or more in the low part.
    for (const id of made) expect(id % SCALE).toBeLessThan(SCALE / SLOTS);
    now -= 5000;
    expect(ids.next()).toBeGreaterThan(made[199] as number);
  });

  it('starts past the newest id already stored (a restart, or a node whose clock is behind)', () => {
    const newest = 1_900_000_000_000 * SCALE + 3;
    const ids = new IdClock(1, newest, () => 1_800_000_000_000);
    expect(ids.next()).toBeGreaterThan(newest);
  });

  it('gives two nodes in the same ms different ids, and later ms always larger ids', () => {
    const now = 1_800_000_000_000;
    const low = new IdClock(0, 0, () => now);
    const high = new IdClock(SLOTS - 1, 0, () => now);
    const lows = Array.from({ length: 64 }, () => low.next());
    const highs = Array.from({ length: 64 }, () => high.next());
    expect(new Set([...lows, ...highs]).size).toBe(128);
    const later = new IdClock(0, 0, () => now + 1).next();
    expect(later).toBeGreaterThan(Math.max(...highs));
  });

  it('stays an exact JS number beyond the year 2200', () => {
    const year2200 = Date.UTC(2200, 0, 1);
    const ids = new IdClock(SLOTS - 1, 0, () => year2200);
    for (let i = 0; i < 63; i++) ids.next();
    const last = ids.next();
    expect(last).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(Number.isSafeInteger(last)).toBe(true);
  });

  it('refuses a slot out of range', () => {
    expect(() => new IdClock(SLOTS)).toThrow(RangeError);
    expect(() => new IdClock(-1)).toThrow(RangeError);
  });
});
