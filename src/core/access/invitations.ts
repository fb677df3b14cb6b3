// Invitation links: single use, with an expiry; redeeming one creates an account with the invited role.
import { NetroomError } from '../errors.js';
import type { AccessStore } from '../../store/access.js';
import type { AccountInfo, Accounts } from './accounts.js';
import type { AccountRole } from './roles.js';
import { newSecret, secretHash } from './secrets.js';

/** An invitation is valid for 7 days unless said otherwise. */
export const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Invitations of one store. */
export class Invitations {
  private readonly store: AccessStore;
  private readonly accounts: Accounts;
  private readonly now: () => number;

  constructor(store: AccessStore, accounts: Accounts, now: () => number = Date.now) {
    this.store = store;
    this.accounts = accounts;
    this.now = now;
  }

  /** A new invitation; the secret goes in the link (`/join/SECRET`) and is never stored. */
  create(role: AccountRole, createdBy: string, ttlMs = DEFAULT_INVITATION_TTL_MS): { secret: string; expiresAt: number; role: AccountRole } {
    const secret = newSecret('nri');
    const at = this.now();
    const expiresAt = at + ttlMs;
    this.store.addInvitation({ hash: secretHash(secret), role, createdBy, createdAt: at, expiresAt, usedAt: null, usedBy: null });
    return { secret, expiresAt, role };
  }

  /** What an unused, unexpired invitation offers; BAD_INVITATION otherwise. */
  peek(secret: unknown): { role: AccountRole; expiresAt: number } {
    const record = typeof secret === 'string' ? this.store.invitation(secretHash(secret)) : undefined;
    if (record === undefined) throw new NetroomError('BAD_INVITATION', 'this invitation link is not valid');
    if (record.usedAt !== null) throw new NetroomError('BAD_INVITATION', 'this invitation link was already used');
    if (record.expiresAt <= this.now()) throw new NetroomError('BAD_INVITATION', 'this invitation link has expired');
    return { role: record.role, expiresAt: record.expiresAt };
  }

  /** Use the invitation to create `name` with `password`; single use even under concurrent attempts. */
  async redeem(secret: unknown, name: string, password: string): Promise<AccountInfo> {
    const { role } = this.peek(secret);
    const created = await this.accounts.add(name, password, role);
    if (!this.store.useInvitation(secretHash(secret as string), this.now(), created.name)) {
      // Someone used it between peek and now: the account just made goes again.
      this.accounts.remove(created.name);
      throw new NetroomError('BAD_INVITATION', 'this invitation link was already used');
    }
    return created;
  }
}
