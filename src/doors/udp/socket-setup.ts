// How the UDP door's socket is set up: numeric addresses resolved without DNS, buffers as large as allowed.
import type { Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

// Socket buffer sizes to try, largest first: Linux clamps to net.core.[rw]mem_max silently, other
// systems may refuse outright, and any of them is better than the small default under a burst.
const BUFFER_SIZES = [4 * 1024 * 1024, 1024 * 1024, 256 * 1024];

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the destination of every send through `lookup`, and the default (dns.lookup)
 * answers even a numeric IP on the next tick through a fresh closure. Every address we send to
 * comes from rinfo and is numeric, so answer those synchronously and keep DNS for `bind(host)`.
 */
export function numericFirstLookup(hostname: string, options: LookupOneOptions, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
}

/** Ask for the largest socket buffers this system allows (a burst of datagrams must not overflow them). */
export function enlargeBuffers(socket: Socket): void {
  for (const set of [(n: number) => socket.setRecvBufferSize(n), (n: number) => socket.setSendBufferSize(n)]) {
    for (const size of BUFFER_SIZES) {
      try {
        set(size);
        break;
      } catch {
        // Not allowed at this size here: try the next smaller one, else keep the default.
      }
    }
  }
}
