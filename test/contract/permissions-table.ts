// The expected answers, written by hand from README "Accounts, roles and permissions" (never computed by the code under test).
import type { GuestPolicy } from '../../src/core/access/roles.js';
import type { ActorRole, OwnedOp, OwnerKind } from './permissions-types.js';

type Yes = 'allowed';
type No = 'refused';
const Y: Yes = 'allowed';
const N: No = 'refused';
export type Expected = Yes | No;

/** By owner of the target: the actor itself, another member, another guest, an administrator, nobody known. */
type ByOwner = Readonly<Record<OwnerKind, Expected>>;

interface Row {
  readonly list: Expected;
  readonly download: Expected;
  readonly upload: Expected;
  readonly mkdir: Expected;
  readonly overwrite: ByOwner;
  readonly rename: ByOwner;
  readonly delete: ByOwner;
}

// A guest never changes an existing entry, not even one a guest of its own name made.
const GUEST_NEVER: ByOwner = { self: N, member: N, guest: N, admin: N, nobody: N };
// A member: their own and guests'; never another member's, an administrator's or nobody's.
const MEMBER_OWNED: ByOwner = { self: Y, member: N, guest: Y, admin: N, nobody: N };
// An administrator: everything.
const ADMIN_OWNED: ByOwner = { self: Y, member: Y, guest: Y, admin: Y, nobody: Y };

const MEMBER: Row = { list: Y, download: Y, upload: Y, mkdir: Y, overwrite: MEMBER_OWNED, rename: MEMBER_OWNED, delete: MEMBER_OWNED };
const ADMIN: Row = { list: Y, download: Y, upload: Y, mkdir: Y, overwrite: ADMIN_OWNED, rename: ADMIN_OWNED, delete: ADMIN_OWNED };

/** README's table, column by column. */
export const TABLE: Readonly<Record<GuestPolicy, Readonly<Record<ActorRole, Row>>>> = {
  on: {
    guest: { list: Y, download: Y, upload: Y, mkdir: Y, overwrite: GUEST_NEVER, rename: GUEST_NEVER, delete: GUEST_NEVER },
    member: MEMBER,
    admin: ADMIN,
  },
  read: {
    guest: { list: Y, download: Y, upload: N, mkdir: N, overwrite: GUEST_NEVER, rename: GUEST_NEVER, delete: GUEST_NEVER },
    member: MEMBER,
    admin: ADMIN,
  },
  off: {
    guest: { list: N, download: N, upload: N, mkdir: N, overwrite: GUEST_NEVER, rename: GUEST_NEVER, delete: GUEST_NEVER },
    member: MEMBER,
    admin: ADMIN,
  },
};

export function expected(policy: GuestPolicy, role: ActorRole, op: 'list' | 'download' | 'upload' | 'mkdir'): Expected;
export function expected(policy: GuestPolicy, role: ActorRole, op: OwnedOp, owner: OwnerKind): Expected;
export function expected(policy: GuestPolicy, role: ActorRole, op: keyof Row, owner?: OwnerKind): Expected {
  const cell = TABLE[policy][role][op];
  if (typeof cell === 'string') return cell;
  if (owner === undefined) throw new Error(`${op} needs the target's owner`);
  return cell[owner];
}
