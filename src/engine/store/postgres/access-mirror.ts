// A node's in-memory copy of the access tables: answers the synchronous AccessStore reads, in the SQLite store's orders.
import type { AccountRecord, CredentialRecord, InvitationRecord, RestrictionRecord } from '../../../store/access.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The four tables as maps; the store changes them at once on a write and replaces them on a reload. */
export class AccessMirror {
  readonly accounts = new Map<string, AccountRecord>();
  /** By hash, in insertion order (credentials() sorts by creation time, ties in that order). */
  readonly credentials = new Map<string, CredentialRecord>();
  readonly invitations = new Map<string, InvitationRecord>();
  readonly restrictions = new Map<number, RestrictionRecord>();

  /** Accounts by name as SQLite's BINARY collation orders them: UTF-8 bytes, that is code points. */
  accountList(): AccountRecord[] {
    return [...this.accounts.values()].sort((a, b) => byCodePoints(a.name, b.name));
  }

  credentialsOf(accountKey: string): CredentialRecord[] {
    return [...this.credentials.values()].filter((c) => c.accountKey === accountKey).sort((a, b) => a.createdAt - b.createdAt);
  }

  restrictionList(): RestrictionRecord[] {
    return [...this.restrictions.values()].sort((a, b) => a.id - b.id);
  }

  /** The account and its sessions and tokens (the table's ON DELETE CASCADE). */
  deleteAccount(key: string): boolean {
    if (!this.accounts.delete(key)) return false;
    for (const [hash, c] of this.credentials) if (c.accountKey === key) this.credentials.delete(hash);
    return true;
  }

  /** Hashes of `accountKey`'s credentials with this id. */
  credentialHashes(accountKey: string, id: string): string[] {
    return [...this.credentials.values()].filter((c) => c.accountKey === accountKey && c.id === id).map((c) => c.hash);
  }

  /** What prune(now) removes: ended restrictions, expired credentials, invitations a day past their end. */
  prune(now: number): void {
    for (const [id, r] of this.restrictions) if (r.until !== null && r.until <= now) this.restrictions.delete(id);
    for (const [hash, c] of this.credentials) if (c.expiresAt !== null && c.expiresAt <= now) this.credentials.delete(hash);
    for (const [hash, i] of this.invitations) if (i.expiresAt <= now - DAY_MS) this.invitations.delete(hash);
  }
}

/** How long an invitation is kept after its end (a second click says "already used", not "unknown"). */
export const INVITATION_KEPT_MS = DAY_MS;

function byCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
