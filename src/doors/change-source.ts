// Who asks for a library change, and from where: the ChangeSource each door passes to the Library.
import { plainAddress } from '../core/access/addresses.js';
import { guest, type Actor } from '../core/access/roles.js';
import type { ChangeSource } from '../core/library-events.js';

/**
 * The source of a change made by a client of `door` at `address`, by `name` when known, as `actor`
 * (a guest of that name unless the door signed the client in: the permission table applies).
 */
export function changeSource(door: string, address: string | undefined, name?: string, actor?: Actor): ChangeSource {
  const who = actor ?? guest(name ?? '');
  const shown = name === undefined || name === '' ? (who.name === '' ? undefined : who.name) : name;
  return {
    door,
    // An IPv4 client on a dual-stack socket shows as `::ffff:a.b.c.d`: logged as `a.b.c.d`.
    ...(address === undefined || address === '' ? {} : { address: plainAddress(address) }),
    ...(shown === undefined ? {} : { name: shown }),
    actor: who,
  };
}

