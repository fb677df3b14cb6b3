// Who asks for a library change, and from where: the ChangeSource each door passes to the Library.
import type { ChangeSource } from '../core/library-events.js';

/** The source of a change made by a client of `door` at `address`, by `name` when known. */
export function changeSource(door: string, address: string | undefined, name?: string): ChangeSource {
  return {
    door,
    ...(address === undefined || address === '' ? {} : { address: plainAddress(address) }),
    ...(name === undefined || name === '' ? {} : { name }),
  };
}

/** An IPv4 client on a dual-stack socket shows as `::ffff:a.b.c.d`: log it as `a.b.c.d`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
