// Web sessions and personal API tokens: bearer secrets for an account, listed and revocable.
import { foldName } from '../names.js';
import type { AccessStore, CredentialRecord } from '../../store/access.js';
import type { AccountInfo } from './accounts.js';
import { credentialId, newSecret, secretHash } from './secrets.js';

/** A web session lasts 30 days from signing in. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Last-used times are written at most this often per credential (a busy client is not a write per request). */
const TOUCH_EVERY_MS = 60 * 1000;

/** A credential as listed to its owner (never the secret or its hash). */
export interface CredentialInfo {
  readonly id: string;
  readonly kind: 'session' | 'token';
  readonly label: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
}

/** Sessions and tokens of one store. */
export class Credentials {
  private readonly store: AccessStore;
  private readonly now: () => number;

  /** Told after a credential was revoked here, so open connections signed in with it can end. */
  private readonly onRevoked: () => void;

  constructor(store: AccessStore, now: () => number = Date.now, onRevoked: () => void = () => undefined) {
    this.store = store;
    this.now = now;
    this.onRevoked = onRevoked;
  }

  /** A new session (cookie) or token for `account`; the secret is returned once and never stored. */
  create(account: string, kind: 'session' | 'token', label: string, ttlMs: number | null = kind === 'session' ? SESSION_TTL_MS : null): { secret: string; info: CredentialInfo } {
    const secret = newSecret(kind === 'session' ? 'nrs' : 'nrt');
    const hash = secretHash(secret);
    const at = this.now();
    const record: CredentialRecord = {
      id: credentialId(hash),
      hash,
      accountKey: foldName(account),
      kind,
      label: label.slice(0, 100),
      createdAt: at,
      lastUsedAt: null,
      expiresAt: ttlMs === null ? null : at + ttlMs,
    };
    this.store.addCredential(record);
    return { secret, info: infoOf(record) };
  }

  /** The account a secret signs in, or undefined (unknown, expired, revoked, account gone). */
  check(secret: unknown): { account: AccountInfo; credential: CredentialInfo } | undefined {
    if (typeof secret !== 'string' || !/^nr[st]_[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
    const hash = secretHash(secret);
    const record = this.store.credential(hash);
    const at = this.now();
    if (record === undefined || (record.expiresAt !== null && record.expiresAt <= at)) return undefined;
    const account = this.store.account(record.accountKey);
    if (account === undefined) return undefined;
    if (record.lastUsedAt === null || at - record.lastUsedAt >= TOUCH_EVERY_MS) this.store.touchCredential(hash, at);
    return { account: { name: account.name, role: account.role, createdAt: account.createdAt }, credential: infoOf(record) };
  }

  list(account: string): CredentialInfo[] {
    const at = this.now();
    return this.store
      .credentials(foldName(account))
      .filter((c) => c.expiresAt === null || c.expiresAt > at)
      .map(infoOf);
  }

  /** Revoke one of `account`'s credentials by id; false when it has none of that id. */
  revoke(account: string, id: string): boolean {
    const revoked = this.store.deleteCredential(foldName(account), id);
    if (revoked) this.onRevoked();
    return revoked;
  }

  /** The id of a secret (to mark "this session" in a list). */
  idOf(secret: string): string {
    return credentialId(secretHash(secret));
  }
}

function infoOf(r: CredentialRecord): CredentialInfo {
  return { id: r.id, kind: r.kind, label: r.label, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, expiresAt: r.expiresAt };
}
