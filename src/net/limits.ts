// Connection accounting for every TCP door: one cap across the server, one per client address per door, refusals logged.
import { isIPv4, isIPv6, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { connectionCaps, readFileLimit } from './file-limit.js';
import { RefusalLog } from './refusal-log.js';

/** Why a connection was refused. */
export type RefusalReason = 'address' | 'door' | 'server';

/** The answer to a new connection: admitted (call release() once it is gone) or refused, and why. */
export type Admission = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly reason: RefusalReason };

/** Caps shared by every door of one server. */
export interface ConnectionLimitsOptions {
  /** Open TCP connections across every door at most (kept below the file limit). */
  readonly maxConnections: number;
  /** Open connections from one client address to one door at most (an IPv6 client counts per /64). */
  readonly maxPerAddress: number;
  /** Where refusals are reported (at most one line per address per `logEveryMs`). */
  readonly log: Logger;
  /** Default 10 s. */
  readonly logEveryMs?: number;
}

/** A door's own caps on top of the server's (FTP's `--ftp-max-clients`, `--ftp-max-per-ip`). */
export interface DoorCaps {
  readonly maxConnections?: number;
  readonly maxPerAddress?: number;
}

/**
 * The key one client is counted under: its IPv4 address (also when IPv4-mapped), or the /64 its
 * IPv6 address is in, since one IPv6 host is normally given a whole /64 to pick addresses from.
 */
export function addressKey(remote: string | undefined): string {
  if (remote === undefined || remote === '') return '?';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/iu.exec(remote);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (isIPv4(remote) || !isIPv6(remote)) return remote;
  return `${expandIPv6(remote).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros (zone id dropped). */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0] ?? address;
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => (/^[0-9a-f]+$/iu.test(group) ? parseInt(group, 16).toString(16) : group));
}

/**
 * Counts the open connections of every TCP door of one server (SPEC 4: a flood from one address
 * never locks others out). Each door takes a gate(); every connection it accepts is admitted
 * through it first, and a refused one is closed at once by the door.
 */
export class ConnectionLimits {
  readonly maxConnections: number;
  readonly maxPerAddress: number;
  private total = 0;
  private readonly refusals: RefusalLog;
  /** Waiters of whenIdle(): resolved once no connection is open. */
  private idleWaiters: (() => void)[] = [];

  constructor(options: ConnectionLimitsOptions) {
    for (const [name, value] of [
      ['maxConnections', options.maxConnections],
      ['maxPerAddress', options.maxPerAddress],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1`);
    }
    this.maxConnections = options.maxConnections;
    this.maxPerAddress = options.maxPerAddress;
    this.refusals = new RefusalLog(options.log, options.logEveryMs ?? 10_000);
  }

  /** Connections open right now across every door. */
  get open(): number {
    return this.total;
  }

  /** Resolves once no connection is open on any door (at once if none is): a socket's close event comes after its peer saw the close. */
  whenIdle(): Promise<void> {
    if (this.total === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The gate of one door; its own per-address cap replaces the server's, its total is within the server's. */
  gate(door: string, caps: DoorCaps = {}): DoorGate {
    return new DoorGate(this, door, caps);
  }

  /** Stop the refusal log's timers (the server is stopping); counting goes on. */
  close(): void {
    this.refusals.close();
  }

  /** @internal Used by DoorGate. */
  take(): boolean {
    if (this.total >= this.maxConnections) return false;
    this.total += 1;
    return true;
  }

  /** @internal Used by DoorGate. */
  give(): void {
    this.total -= 1;
    if (this.total === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** @internal Used by DoorGate. */
  refused(door: string, key: string, reason: RefusalReason, cap: number): void {
    this.refusals.note(door, key, reason, cap);
  }
}

/** One door's view of the limits: its own per-address counts, the server's total. */
export class DoorGate {
  private readonly perAddress = new Map<string, number>();
  private count = 0;
  private readonly maxConnections: number;
  private readonly maxPerAddress: number;

  constructor(
    private readonly limits: ConnectionLimits,
    readonly door: string,
    caps: DoorCaps,
  ) {
    this.maxConnections = caps.maxConnections ?? Infinity;
    this.maxPerAddress = caps.maxPerAddress ?? limits.maxPerAddress;
  }

  /** Connections this door holds open right now. */
  get open(): number {
    return this.count;
  }

  /** Admit a connection from `remote` (a socket's remoteAddress), or refuse it and log the refusal. */
  admit(remote: string | undefined): Admission {
    const key = addressKey(remote);
    const from = this.perAddress.get(key) ?? 0;
    let refusal: { reason: RefusalReason; cap: number } | null = null;
    if (from >= this.maxPerAddress) refusal = { reason: 'address', cap: this.maxPerAddress };
    else if (this.count >= this.maxConnections) refusal = { reason: 'door', cap: this.maxConnections };
    else if (!this.limits.take()) refusal = { reason: 'server', cap: this.limits.maxConnections };
    if (refusal !== null) {
      this.limits.refused(this.door, key, refusal.reason, refusal.cap);
      return { ok: false, reason: refusal.reason };
    }
    this.perAddress.set(key, from + 1);
    this.count += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.count -= 1;
        this.limits.give();
        const left = (this.perAddress.get(key) ?? 1) - 1;
        if (left <= 0) this.perAddress.delete(key);
        else this.perAddress.set(key, left);
      },
    };
  }

  /** Admit an accepted socket; an admitted one is released when it closes (its descriptor is gone then). */
  admitSocket(socket: Socket): Admission {
    const admission = this.admit(socket.remoteAddress);
    if (!admission.ok) return admission;
    // A socket already closed before it got here ('close' came and went) is released at once.
    if (socket.closed) admission.release();
    else socket.once('close', admission.release);
    return admission;
  }
}

/** What a refused client is told, in words: "from your address" or "on this server". */
export function refusalText(reason: RefusalReason): string {
  return reason === 'address' ? 'Too many connections from your address' : 'Too many connections on this server';
}

/**
 * The gate a door counts its connections through: the server's shared limits when it has them,
 * else (a door run on its own, as in tests) limits of its own with the defaults for this process.
 */
export function gateFor(shared: ConnectionLimits | undefined, door: string, log: Logger, caps: DoorCaps = {}): DoorGate {
  const limits = shared ?? new ConnectionLimits({ ...connectionCaps(readFileLimit(), { maxConnections: caps.maxConnections }), log });
  return limits.gate(door, caps);
}
