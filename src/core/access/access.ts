// Access: accounts, sessions and tokens, invitations, bans and mutes over one store, plus the guest policy.
import type { AccessStore } from '../../store/access.js';
import { Accounts } from './accounts.js';
import { Credentials } from './credentials.js';
import { Invitations } from './invitations.js';
import { Restrictions } from './restrictions.js';
import type { GuestPolicy } from './roles.js';
import { SignInLimiter, type SignInLimits } from './sign-in-limit.js';

/** Options of {@link Access}; every one has a default. */
export interface AccessOptions {
  /** `--guests`. Default `on`. */
  guests?: GuestPolicy;
  /** Failed sign-in limits (see SignInLimiter). */
  signIn?: SignInLimits;
  now?: () => number;
}

/** How often a server looks for changes made by another process (the CLI), ms. */
export const WATCH_INTERVAL_MS = 250;

/** Everything about who may do what, over one store; the server makes one and hands it to the core and the doors. */
export class Access {
  readonly store: AccessStore;
  readonly guests: GuestPolicy;
  readonly accounts: Accounts;
  readonly credentials: Credentials;
  readonly invitations: Invitations;
  readonly restrictions: Restrictions;
  /** Failed sign-ins counted (shared between nodes by the cluster). */
  readonly signInLimiter: SignInLimiter;
  private version: number;
  private watcher: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(store: AccessStore, options: AccessOptions = {}) {
    const now = options.now ?? Date.now;
    this.store = store;
    this.guests = options.guests ?? 'on';
    this.signInLimiter = new SignInLimiter({ ...options.signIn, now });
    this.accounts = new Accounts(store, { limiter: this.signInLimiter, now });
    this.credentials = new Credentials(store, now, () => this.changed());
    this.invitations = new Invitations(store, this.accounts, now);
    this.restrictions = new Restrictions(store, now);
    this.version = store.version();
  }

  /** The name of the account holding the folded name `key`, if any: nobody else may use it. */
  accountHolding(key: string): string | undefined {
    return this.accounts.byKey(key)?.name;
  }

  /**
   * Call `listener` after another process (the CLI) changed the store, or after a session or token
   * was revoked here: bans and mutes are reloaded first. Polls SQLite's data_version on an unref'ed
   * timer; returns the unsubscribe function.
   */
  onExternalChange(listener: () => void): () => void {
    this.listeners.add(listener);
    this.watcher ??= setInterval(() => this.poll(), WATCH_INTERVAL_MS).unref();
    return () => this.listeners.delete(listener);
  }

  /** Look for another process's changes now (the timer calls it; tests may too). */
  poll(): void {
    const version = this.store.version();
    if (version === this.version) return;
    this.version = version;
    this.restrictions.reload();
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  close(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
    this.store.close();
  }
}
