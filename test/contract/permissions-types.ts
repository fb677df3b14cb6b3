// The permission contract's door-neutral view: who acts, on what, whose entry, and what a door answered.
import type { FileOp } from '../../src/core/access/permissions.js';
import type { GuestPolicy } from '../../src/core/access/roles.js';

/** The file doors the permission contract drives. */
export type FileDoor = 'http' | 'ftp' | 'seedfiles';
export const FILE_DOORS: readonly FileDoor[] = ['http', 'ftp', 'seedfiles'];

/** Who acts: a guest (no account), the member Alice, the administrator root. */
export type ActorRole = 'guest' | 'member' | 'admin';
export const ACTOR_ROLES: readonly ActorRole[] = ['guest', 'member', 'admin'];

export const POLICIES: readonly GuestPolicy[] = ['on', 'read', 'off'];

/** The operations, in the order the cases run. */
export const OPS: readonly FileOp[] = ['list', 'download', 'upload', 'mkdir', 'overwrite', 'rename', 'delete'];

/** Operations on an existing entry: their answer depends on who made it. */
export type OwnedOp = 'overwrite' | 'rename' | 'delete';
export const OWNED_OPS: readonly OwnedOp[] = ['overwrite', 'rename', 'delete'];
export const isOwnedOp = (op: FileOp): op is OwnedOp => (OWNED_OPS as readonly string[]).includes(op);

/**
 * Who made the target of an owned operation, seen from the actor: the actor itself (for a guest:
 * a guest of the very name the door gives it), another member (bob), another guest (gus), an
 * administrator (root), or nobody known (written into the folder with fs).
 */
export type OwnerKind = 'self' | 'member' | 'guest' | 'admin' | 'nobody';
export const OWNER_KINDS: readonly OwnerKind[] = ['self', 'member', 'guest', 'admin', 'nobody'];

/** What a door answered to one operation. */
export type Outcome =
  | { readonly ok: true; readonly bytes?: Buffer; readonly names?: readonly string[] }
  | {
      readonly ok: false;
      /** HTTP status, FTP reply code; undefined on the seed door (no status, only a text). */
      readonly status: number | undefined;
      /** The stable code where the door tells it (HTTP JSON, the seed door's `ERROR CODE:` line). */
      readonly code: string | undefined;
      /** The door's answer as it came (for the report). */
      readonly raw: string;
    };

/** One role's client of one door on one server: every call answers an Outcome, never throws for a refusal. */
export interface FileDriver {
  readonly door: FileDoor;
  readonly role: ActorRole;
  /** Entry names in `dir` ('' is the root). */
  list(dir: string): Promise<Outcome>;
  download(path: string): Promise<Outcome>;
  /** A new file or an overwrite: the door's one upload verb. */
  upload(path: string, bytes: Buffer): Promise<Outcome>;
  mkdir(path: string): Promise<Outcome>;
  rename(from: string, to: string): Promise<Outcome>;
  remove(path: string): Promise<Outcome>;
  close(): Promise<void>;
}

/** Why a door cannot do something (the case is skipped, the reason in its name); absent: it can. */
export interface FileDoorLimits {
  readonly ops?: Partial<Record<FileOp, string>>;
  readonly roles?: Partial<Record<ActorRole, string>>;
}

export const FILE_DOOR_LIMITS: Readonly<Record<FileDoor, FileDoorLimits>> = {
  http: {},
  ftp: {},
  seedfiles: {
    ops: {
      mkdir: 'the seed file protocol has no folders (L, G, P, Q only)',
      rename: 'the seed file protocol has no rename (L, G, P, Q only)',
      delete: 'the seed file protocol has no delete (L, G, P, Q only)',
    },
    roles: {
      member: 'the seed file protocol has no password: guests only',
      admin: 'the seed file protocol has no password: guests only',
    },
  },
};

/** The name each door gives a guest, as recorded as the owner of what it makes. */
export const GUEST_NAME: Readonly<Record<FileDoor, string>> = {
  http: '', // no X-Netroom-Name: an unnamed guest
  ftp: 'anonymous',
  seedfiles: '',
};
