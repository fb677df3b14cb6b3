// The UDP door's options and their defaults.
import type { FloodLimit } from '../../core/limits.js';

/** Options of the UDP door. */
export interface UdpDoorOptions {
  /** Address to bind; an address containing `:` selects IPv6 (udp6). */
  readonly host: string;
  /** Port to bind; 0 picks a free one (read it back with address()). */
  readonly port: number;
  /** Heartbeat interval a client is expected to keep (`H NAME`); missing three removes it. Default 10000. */
  readonly heartbeatMs?: number;
  /** Members through this door at most; a further `L` gets TOO_MANY_MEMBERS. Default 2000. */
  readonly maxMembers?: number;
  /**
   * Members from one source IP at most (any ports). Default 256: a classroom behind one NAT
   * address fits. The seeds' client never heartbeats, so its members stay until they quit: these
   * two caps are what bounds them.
   */
  readonly maxPerAddress?: number;
  /** Error replies per source (IP for strangers, IP and port for members). Default 5/s, bursts of 10. */
  readonly errorRate?: FloodLimit;
}

/** Default {@link UdpDoorOptions.maxMembers}. */
export const DEFAULT_UDP_MAX_MEMBERS = 2000;
/** Default {@link UdpDoorOptions.maxPerAddress}. */
export const DEFAULT_UDP_MAX_PER_ADDRESS = 256;
