// The permission table: what each role may do with the chat and the files, asked by every door through the core.
import { NetroomError } from '../errors.js';
import { foldName } from '../names.js';
import type { Actor, GuestPolicy, Role } from './roles.js';

/** File operations a door may ask for. `upload` makes a new name; `overwrite` replaces an existing file. */
export type FileOp = 'list' | 'download' | 'upload' | 'mkdir' | 'overwrite' | 'rename' | 'delete';

/** Chat operations with a role rule (room-level rules, such as operators, live in the chat core). */
export type ChatOp = 'enter' | 'createRoom' | 'announce' | 'moderate';

export const FILE_OPS: readonly FileOp[] = ['list', 'download', 'upload', 'mkdir', 'overwrite', 'rename', 'delete'];
export const CHAT_OPS: readonly ChatOp[] = ['enter', 'createRoom', 'announce', 'moderate'];

/**
 * Who made a library entry, as the library's own metadata remembers it: the account name (role
 * member or admin) or the guest name. null: nobody known (placed outside netroom, or before
 * owners were recorded), which only administrators may change.
 */
export interface Owner {
  readonly role: Role;
  /** The account name, or the guest's name ('' for an unnamed guest). */
  readonly name: string;
}

/** The owner a new entry gets when `actor` makes it. */
export function ownerOf(actor: Actor): Owner {
  return actor.role === 'guest' ? { role: 'guest', name: actor.name } : { role: actor.role, name: actor.account ?? actor.name };
}

/**
 * May `actor` do `op` under the guest policy? `owner` is the entry's owner for overwrite, rename
 * and delete (null when unknown). The one place the file rules live.
 */
export function mayFile(actor: Actor, op: FileOp, guests: GuestPolicy, owner: Owner | null = null): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'guest') {
    if (guests === 'off') return false;
    if (op === 'list' || op === 'download') return true;
    // A guest's name is not theirs to keep (anyone may take it once they leave), so a guest
    // never changes an existing entry, not even one a guest of the same name made.
    return guests === 'on' && (op === 'upload' || op === 'mkdir');
  }
  // member
  if (op === 'list' || op === 'download' || op === 'upload' || op === 'mkdir') return true;
  if (owner === null) return false;
  if (owner.role === 'guest') return true;
  return owner.role !== 'admin' && actor.account !== undefined && foldName(owner.name) === foldName(actor.account);
}

/** Throw PERMISSION_DENIED unless {@link mayFile}; `what` names the entry in the message. */
export function checkFile(actor: Actor, op: FileOp, guests: GuestPolicy, owner: Owner | null, what: string): void {
  if (mayFile(actor, op, guests, owner)) return;
  throw new NetroomError('PERMISSION_DENIED', refusal(actor, op, guests, owner, what), { op, path: what, role: actor.role });
}

function refusal(actor: Actor, op: FileOp, guests: GuestPolicy, owner: Owner | null, what: string): string {
  if (actor.role === 'guest' && guests === 'off') return 'guests are not allowed here: sign in with an account';
  if (actor.role === 'guest' && (op === 'upload' || op === 'mkdir')) return 'guests may only read files here: sign in to upload';
  if (actor.role === 'guest') return `guests may not ${VERB[op]} existing entries: sign in with an account (${what})`;
  if (owner === null) return `only an administrator may ${VERB[op]} ${what}: nobody known made it`;
  return `only ${owner.name === '' ? 'its owner' : owner.name} or an administrator may ${VERB[op]} ${what}`;
}

const VERB: Readonly<Record<FileOp, string>> = {
  list: 'list',
  download: 'download',
  upload: 'upload',
  mkdir: 'make folders in',
  overwrite: 'overwrite',
  rename: 'rename or move',
  delete: 'delete',
};

/**
 * May `actor` do the chat operation `op`? `rooms` is `--rooms` (who creates rooms). Moderating a
 * room one operates (its creator) is the chat core's rule; `moderate` here is server-wide.
 */
export function mayChat(actor: Actor, op: ChatOp, guests: GuestPolicy, rooms: 'open' | 'admin'): boolean {
  if (actor.role === 'guest' && guests === 'off') return false;
  switch (op) {
    case 'enter':
      return true;
    case 'createRoom':
      return rooms === 'open' || actor.role === 'admin';
    case 'announce':
    case 'moderate':
      return actor.role === 'admin';
  }
}
