// Encoded event lines packed one after another in shared slabs, so a recipient's lines of one turn are mostly one contiguous range.
import { Buffer } from 'node:buffer';

/** Size of one slab; a slab is let go (to the GC) once every line in it has been written. */
const SLAB_BYTES = 64 * 1024;
/** Texts that may need more than this are encoded on their own: a slab is for the many short lines. */
const LARGEST_PACKED = 4 * 1024;

/**
 * Allocates the door's event lines back to back. The fan-out queues each event for every
 * recipient; when consecutive events sit next to each other in memory, a LineWriter extends one
 * range instead of keeping one buffer per event (see LineWriter.push), and the turn's write is a
 * view of the slab, not a copy. Bytes handed out are never written again.
 */
export class LineSlab {
  private slab: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private used = 0;

  /** `text` as UTF-8 in the slab (or in a buffer of its own when long). */
  encode(text: string): Buffer {
    // A UTF-16 unit is at most 3 bytes of UTF-8: reserve that much, take what the encoding used.
    const most = text.length * 3;
    if (most > LARGEST_PACKED) return Buffer.from(text, 'utf8');
    if (this.used + most > SLAB_BYTES) this.renew();
    const start = this.used;
    this.used += this.slab.write(text, start, 'utf8');
    return this.slab.subarray(start, this.used);
  }

  /** `head` (Latin-1 text, e.g. a tag) followed by `bytes`, in the slab. */
  prefixed(head: string, bytes: Buffer): Buffer {
    const most = head.length + bytes.length;
    if (most > LARGEST_PACKED) return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
    if (this.used + most > SLAB_BYTES) this.renew();
    const start = this.used;
    this.used += this.slab.write(head, start, 'latin1');
    this.used += bytes.copy(this.slab, this.used);
    return this.slab.subarray(start, this.used);
  }

  private renew(): void {
    this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    this.used = 0;
  }
}
