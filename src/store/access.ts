// The durable access store: accounts, sessions and tokens, invitations, bans and mutes (SQLite today, PostgreSQL in issue 13).
import type { AccountRole } from '../core/access/roles.js';

/** One account. `key` is foldName(name): unique, so no two accounts read alike. */
export interface AccountRecord {
  readonly name: string;
  readonly key: string;
  readonly role: AccountRole;
  /** hashPassword()'s output; never logged, never sent. */
  readonly hash: string;
  readonly createdAt: number;
}

/** A web session (`session`, the cookie) or a personal API token (`token`), kept as its secret's hash. */
export interface CredentialRecord {
  /** Short id shown in lists and used to revoke (credentialId of the hash). */
  readonly id: string;
  readonly hash: string;
  readonly accountKey: string;
  readonly kind: 'session' | 'token';
  /** What the owner called it (a token's name) or where it came from (a session's browser). */
  readonly label: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
}

/** A single-use invitation link, kept as its secret's hash. */
export interface InvitationRecord {
  readonly hash: string;
  readonly role: AccountRole;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly usedBy: string | null;
}

/** What a ban or mute matches: an account, a name (its key), an address (IP or IPv6 /64 prefix), or an IRC mask. */
export type RestrictionKind = 'account' | 'name' | 'address' | 'mask';

/** A ban (keeps out) or a mute (keeps quiet), server-wide (`room` null) or in one room (its key). */
export interface RestrictionRecord {
  readonly id: number;
  readonly type: 'ban' | 'mute';
  readonly room: string | null;
  readonly kind: RestrictionKind;
  /** The folded account/name key, the address, or the mask as given. */
  readonly value: string;
  /** The value as the moderator typed it, for lists. */
  readonly shown: string;
  readonly reason: string;
  readonly by: string;
  readonly createdAt: number;
  /** Ends at (ms), or null: for ever. */
  readonly until: number | null;
}

/** Durable access state. Synchronous as the embedded store answers; issue 13's networked store wraps it. */
export interface AccessStore {
  /** A number that changes whenever another process (the CLI) commits: the server reloads then. */
  version(): number;
  account(key: string): AccountRecord | undefined;
  accounts(): AccountRecord[];
  /** Adds, or throws NetroomError NAME_TAKEN when the key exists. */
  addAccount(account: AccountRecord): void;
  updateAccount(key: string, change: { role?: AccountRole; hash?: string }): boolean;
  /** Removes the account and its sessions and tokens. */
  deleteAccount(key: string): boolean;

  credential(hash: string): CredentialRecord | undefined;
  credentials(accountKey: string): CredentialRecord[];
  addCredential(credential: CredentialRecord): void;
  touchCredential(hash: string, at: number): void;
  deleteCredential(accountKey: string, id: string): boolean;

  invitation(hash: string): InvitationRecord | undefined;
  addInvitation(invitation: InvitationRecord): void;
  /** Marks it used by `name` if unused and unexpired at `at`; false otherwise (single use, atomic). */
  useInvitation(hash: string, at: number, name: string): boolean;

  restrictions(): RestrictionRecord[];
  addRestriction(restriction: Omit<RestrictionRecord, 'id'>): RestrictionRecord;
  deleteRestriction(id: number): boolean;
  /** Drops restrictions and invitations that ended before `now`, and expired credentials. */
  prune(now: number): void;
  close(): void;
}
