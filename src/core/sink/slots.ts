// Upload slots: the buffers every upload copies into, their size, and the budget all uploads share.

/**
 * Bytes per slot: the unit of one file write and one hash update. Measured on 1 GiB uploads
 * (server CPU per GiB, MB/s): 512 KiB did best; 256 KiB means twice the thread hand-offs, and
 * 1 MiB slots fall out of the CPU cache between the copy, the write and the hash (+20% CPU).
 */
export const SLOT_SIZE = 512 * 1024;
/**
 * Slots one upload may fill before it stops taking bytes (its buffer: 8 MiB). 16 moved 1 GiB
 * uploads about 10% faster than 8: they absorb the hashing thread's scheduling jitter.
 */
export const SLOTS_PER_WRITER = 16;
/** Slots all uploads together may fill (64 MiB): past it, uploads wait for one another. */
export const SLOTS_IN_ALL = 128;
/** Free slots kept for the next upload rather than left to the garbage collector (4 MiB). */
const SPARE_SLOTS = 8;

const spare: ArrayBuffer[] = [];
/** Slots of all uploads in use, and the writers waiting because all SLOTS_IN_ALL are. */
export const budget = { inUse: 0, waiting: [] as Array<() => void> };

/** A slot buffer: a spare one, else a new one. */
export function takeSlot(): ArrayBuffer {
  return spare.pop() ?? new ArrayBuffer(SLOT_SIZE);
}

/** Hand a slot buffer back once no write or hash uses it. */
export function giveSlot(buffer: ArrayBuffer): void {
  // A buffer lost with its hashing thread (detached, empty) is not reused.
  if (buffer.byteLength === SLOT_SIZE && spare.length < SPARE_SLOTS) spare.push(buffer);
}

