// Who is asking: the three roles, the guest policy, and the Actor every door hands the core with a request.

/** `guest`: no account; `member`: signed in; `admin`: signed in with the admin role (or the console). */
export type Role = 'guest' | 'member' | 'admin';

/** The roles an account may hold (a guest has no account). */
export type AccountRole = Exclude<Role, 'guest'>;

/** `--guests`: `on` (chat, read, upload new files), `read` (chat and read, no uploads), `off` (accounts only). */
export type GuestPolicy = 'on' | 'read' | 'off';

export const ROLES: readonly Role[] = ['guest', 'member', 'admin'];
export const ACCOUNT_ROLES: readonly AccountRole[] = ['member', 'admin'];
export const GUEST_POLICIES: readonly GuestPolicy[] = ['on', 'read', 'off'];

/**
 * Who makes a request: its role and the name it goes by. `account` is the account's name when
 * signed in (absent for guests); `name` is what others see (a guest's chosen name, or '' when the
 * door has none, as the seed file door).
 */
export interface Actor {
  readonly role: Role;
  readonly name: string;
  readonly account?: string;
}

/** A guest going by `name` ('' when the door knows no name). */
export function guest(name = ''): Actor {
  return { role: 'guest', name };
}

/** A signed-in account. */
export function signedIn(account: string, role: AccountRole): Actor {
  return { role, name: account, account };
}

/** The server itself (console, admin token, internal jobs): every right. */
export const SYSTEM: Actor = Object.freeze({ role: 'admin', name: 'netroom' });

/** True for a value of {@link Role}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True for a value of {@link AccountRole}. */
export function isAccountRole(value: unknown): value is AccountRole {
  return typeof value === 'string' && (ACCOUNT_ROLES as readonly string[]).includes(value);
}
