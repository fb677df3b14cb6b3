// Who is in through the UDP door: address <-> member bindings, the fan-out list and heartbeat clients.
import { NetroomError } from '../../core/errors.js';
import { foldName } from '../../core/names.js';
import type { Member } from '../../core/chat/types.js';
import type { UdpRequest } from './codec.js';

/** One UDP member: the chat member, the address that entered with it, and its heartbeat state. */
export interface UdpPeer {
  readonly member: Member;
  /** Numeric IP as reported by the socket (rinfo.address), used as-is to send. */
  readonly address: string;
  readonly port: number;
  /** `address|port`, the key of {@link UdpPeers.byAddress}. */
  readonly key: string;
  /** The name exactly as sent in `L`, so the usual C/Q/H match is a plain string compare. */
  readonly wireName: string;
  /** Last sign of life (ms since the epoch); set once the client sent `H`, never before. */
  lastHeartbeat?: number;
}

/** The key a datagram's source is known by. */
export function addressKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/** True when `name` (as a client sent it) is the name `peer` entered with, in any case or normal form. */
export function isPeerName(peer: UdpPeer, name: string): boolean {
  return name === peer.wireName || foldName(name) === peer.member.key;
}

/**
 * The door's bookkeeping. `list` is replaced (never mutated) on every change, so the fan-out can
 * hold a snapshot of "who was in when this event happened" without copying per event.
 */
export class UdpPeers {
  /** address key -> peer: a name is bound to the address that entered with it. */
  readonly byAddress = new Map<string, UdpPeer>();
  private readonly byMember = new Map<Member, UdpPeer>();
  /** Peers that have sent `H` at least once: only these can time out. */
  readonly heartbeating = new Set<UdpPeer>();
  /** Source IP -> members entered from it (any port), for the per-address cap. */
  private readonly perAddress = new Map<string, number>();
  private snapshot: readonly UdpPeer[] = [];

  /** Every peer, in order of entry; an immutable snapshot. */
  get list(): readonly UdpPeer[] {
    return this.snapshot;
  }

  get size(): number {
    return this.byAddress.size;
  }

  /** Members entered from the IP `address`, whatever their ports. */
  countAt(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /** Distinct source IPs with members (for the tests and metrics). */
  get addresses(): number {
    return this.perAddress.size;
  }

  /** The peer of a member, if the member came through this door. */
  of(member: Member): UdpPeer | undefined {
    return this.byMember.get(member);
  }

  /** The peer bound to a source address, if any. */
  get(key: string): UdpPeer | undefined {
    return this.byAddress.get(key);
  }

  /** Bind a member that just entered to the address it came from. */
  add(peer: UdpPeer): void {
    this.byAddress.set(peer.key, peer);
    this.byMember.set(peer.member, peer);
    this.perAddress.set(peer.address, this.countAt(peer.address) + 1);
    this.snapshot = [...this.snapshot, peer];
  }

  /** Forget the member's binding (however it left); returns the peer if it was ours. */
  remove(member: Member): UdpPeer | undefined {
    const peer = this.byMember.get(member);
    if (!peer) return undefined;
    this.byMember.delete(member);
    this.byAddress.delete(peer.key);
    this.heartbeating.delete(peer);
    const left = this.countAt(peer.address) - 1;
    if (left > 0) this.perAddress.set(peer.address, left);
    else this.perAddress.delete(peer.address);
    this.snapshot = this.snapshot.filter((p) => p !== peer);
    return peer;
  }

  /** Forget everyone (the chat closed). */
  clear(): void {
    this.byAddress.clear();
    this.byMember.clear();
    this.heartbeating.clear();
    this.perAddress.clear();
    this.snapshot = [];
  }
}

/** NOT_IN_ROOM for a request naming someone this address did not enter as (or an address that never entered). */
export function notInRoom(peer: UdpPeer | undefined, request: UdpRequest): NetroomError {
  if (peer) {
    return new NetroomError('NOT_IN_ROOM', `this address is in the room as ${peer.member.name}, not ${request.name}`, {
      name: request.name,
    });
  }
  return new NetroomError('NOT_IN_ROOM', `${request.name || 'that name'} is not in the room from this address: enter with L NAME first`, {
    name: request.name,
  });
}
