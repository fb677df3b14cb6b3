// Failed sign-ins, counted per address, per account and address, and per account: guessing stops, owners still get in.

/** The limits; every one has a default. */
export interface SignInLimits {
  /** Failures one address may make (any accounts) per window. Default 20. */
  perAddress?: number;
  /** Failures one address may make against one account per window. Default 5. */
  perAccountAddress?: number;
  /** Failures against one account from everywhere per window. Default 50. */
  perAccount?: number;
  /** The window, ms. Default 15 minutes. */
  windowMs?: number;
  now?: () => number;
}

/** Entries each counter keeps at most: a flood of addresses only restarts the oldest counts. */
const MAX_ENTRIES = 20_000;

interface Count {
  n: number;
  resetAt: number;
}

/**
 * Refuses sign-in attempts that follow too many failures. The account-wide count never locks out an
 * address that signed into that account before (its owner): only the per-address counts apply there,
 * so someone else's guessing cannot keep the owner out.
 */
export class SignInLimiter {
  private readonly limits: Required<Omit<SignInLimits, 'now'>>;
  private readonly now: () => number;
  private readonly byAddress = new Map<string, Count>();
  private readonly byPair = new Map<string, Count>();
  private readonly byAccount = new Map<string, Count>();
  private readonly trusted = new Map<string, Set<string>>();
  private readonly observers = new Set<(outcome: 'failed' | 'succeeded', accountKey: string, address: string) => void>();

  constructor(limits: SignInLimits = {}) {
    this.limits = {
      perAddress: limits.perAddress ?? 20,
      perAccountAddress: limits.perAccountAddress ?? 5,
      perAccount: limits.perAccount ?? 50,
      windowMs: limits.windowMs ?? 15 * 60 * 1000,
    };
    this.now = limits.now ?? Date.now;
  }

  /** Seconds to wait before trying `accountKey` from `address`, or 0 when an attempt may go ahead. */
  retryAfter(accountKey: string, address: string): number {
    const now = this.now();
    const waits = [
      this.over(this.byAddress, address, this.limits.perAddress, now),
      this.over(this.byPair, `${accountKey}\n${address}`, this.limits.perAccountAddress, now),
      this.trusted.get(accountKey)?.has(address) === true ? 0 : this.over(this.byAccount, accountKey, this.limits.perAccount, now),
    ];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  /**
   * Hear every failure and success counted here (the cluster tells the other nodes, so that guessing
   * spread over several nodes is counted as one). Returns the unsubscribe function.
   */
  observe(listener: (outcome: 'failed' | 'succeeded', accountKey: string, address: string) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** Count an outcome another node saw, without telling anyone again. */
  heard(outcome: 'failed' | 'succeeded', accountKey: string, address: string): void {
    if (outcome === 'failed') this.count(accountKey, address);
    else this.trust(accountKey, address);
  }

  /** Count a failed attempt. */
  failed(accountKey: string, address: string): void {
    this.count(accountKey, address);
    for (const observer of this.observers) observer('failed', accountKey, address);
  }

  private count(accountKey: string, address: string): void {
    const now = this.now();
    this.bump(this.byAddress, address, now);
    this.bump(this.byPair, `${accountKey}\n${address}`, now);
    this.bump(this.byAccount, accountKey, now);
  }

  /** A success: this address is the owner's from now on, and its own failures are forgiven. */
  succeeded(accountKey: string, address: string): void {
    this.trust(accountKey, address);
    for (const observer of this.observers) observer('succeeded', accountKey, address);
  }

  private trust(accountKey: string, address: string): void {
    this.byPair.delete(`${accountKey}\n${address}`);
    let set = this.trusted.get(accountKey);
    if (set === undefined) {
      if (this.trusted.size >= MAX_ENTRIES) this.trusted.delete(this.trusted.keys().next().value as string);
      set = new Set();
      this.trusted.set(accountKey, set);
    }
    if (set.size >= 64) set.delete(set.values().next().value as string);
    set.add(address);
  }

  private over(map: Map<string, Count>, key: string, limit: number, now: number): number {
    const count = map.get(key);
    if (count === undefined) return 0;
    if (count.resetAt <= now) {
      map.delete(key);
      return 0;
    }
    return count.n >= limit ? count.resetAt - now : 0;
  }

  private bump(map: Map<string, Count>, key: string, now: number): void {
    const count = map.get(key);
    if (count !== undefined && count.resetAt > now) {
      count.n++;
      return;
    }
    map.delete(key);
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(key, { n: 1, resetAt: now + this.limits.windowMs });
  }
}
