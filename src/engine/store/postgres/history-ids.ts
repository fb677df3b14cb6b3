// History ids made in memory on each node: time-ordered across nodes, unique by a leased node slot, safe as JS numbers.
import type pg from 'pg';
import { SLOTS } from './history-schema.js';

/*
 * id = ms * 1024 + slot * 64 + counter
 *   ms:      the node's clock (ms since the epoch), never going back within a process;
 *   slot:    0..15, leased by the node in history_slots (two live nodes never share one);
 *   counter: 0..63, ids made by this node within that ms.
 * So ids increase with time across every node writing to the database (the paging cursor), two
 * nodes never make the same id, and append() knows its id at once without asking the database.
 * When 64 ids are used within one ms the node borrows the next ms (ids run a little ahead of the
 * clock during a burst and the clock catches up). 2^53 / 1024 ms is the year 2248: ids stay exact
 * JS numbers (below Number.MAX_SAFE_INTEGER) until then.
 */
const COUNTER_BITS = 6;
const PER_MS = 1 << COUNTER_BITS;
/** ms * SCALE is the first id of that ms. */
export const SCALE = SLOTS * PER_MS;

/** The ms an id was made in (by its node's clock). */
export function msOfId(id: number): number {
  return Math.floor(id / SCALE);
}

/** Makes the ids of one node slot. */
export class IdClock {
  private ms = 0;
  private counter = PER_MS;

  /** `floorId`: the highest id already in the database; this clock's ids start above its ms. */
  constructor(
    private readonly slot: number,
    floorId = 0,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS) throw new RangeError(`a node slot is 0..${SLOTS - 1}`);
    // Start past the newest stored ms: after a restart (or a node whose clock is behind) ids still grow.
    this.ms = msOfId(floorId);
  }

  /** The next id. */
  next(): number {
    const now = this.clock();
    if (now > this.ms) {
      this.ms = now;
      this.counter = 0;
    } else if (this.counter >= PER_MS) {
      this.ms += 1;
      this.counter = 0;
    }
    return this.ms * SCALE + this.slot * PER_MS + this.counter++;
  }
}

/** How long a slot stays leased without renewal: a node killed with -9 frees its slot after this. */
export const LEASE_SECONDS = 120;
/** How often a running node renews its lease. */
export const RENEW_MS = 30_000;

/**
 * Lease a free node slot (one whose lease ran out), or throw when all are held. `holder` names the
 * node (unique per process), so a renewal can tell whether the slot is still its own.
 */
export async function leaseSlot(pool: pg.Pool, holder: string): Promise<number> {
  const res = await pool.query<{ slot: number }>(
    `UPDATE history_slots SET holder = $1, lease_until = now() + make_interval(secs => $2)
     WHERE slot = (SELECT slot FROM history_slots WHERE lease_until < now() ORDER BY lease_until, slot LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING slot`,
    [holder, LEASE_SECONDS],
  );
  const slot = res.rows[0]?.slot;
  if (slot === undefined) throw new Error(`all ${SLOTS} history node slots are in use: at most ${SLOTS} nodes may write one history at a time`);
  return slot;
}

/** Extend the lease; false if the slot is no longer this holder's (it lapsed and another node took it). */
export async function renewSlot(pool: pg.Pool, slot: number, holder: string): Promise<boolean> {
  const res = await pool.query('UPDATE history_slots SET lease_until = now() + make_interval(secs => $3) WHERE slot = $1 AND holder = $2', [slot, holder, LEASE_SECONDS]);
  return res.rowCount === 1;
}

/** Give the slot back at close, so a restarted node does not wait for the lease to run out. */
export async function releaseSlot(pool: pg.Pool, slot: number, holder: string): Promise<void> {
  await pool.query("UPDATE history_slots SET holder = '', lease_until = '-infinity' WHERE slot = $1 AND holder = $2", [slot, holder]);
}
