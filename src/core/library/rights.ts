// The permission table applied to the library: who may do what to which entry, and placing uploads under those rules.
import * as fs from 'node:fs/promises';
import { checkFile, mayFile, ownerOf, type FileOp, type Owner } from '../access/permissions.js';
import type { Actor, GuestPolicy } from '../access/roles.js';
import { NetroomError, fromSystemError } from '../errors.js';
import type { ChangeSource } from '../library-events.js';
import type { OwnerBook } from './owners.js';

/** Operations whose answer depends on who made the entry. */
const OWNER_OPS: ReadonlySet<FileOp> = new Set(['overwrite', 'rename', 'delete']);

/**
 * The library's side of src/core/access/permissions.ts: every operation of every door asks here,
 * with the ChangeSource it was given. A source without an actor is the server itself (tests,
 * internal jobs, the console): every right, and nothing recorded as its owner.
 */
export class FileRights {
  constructor(
    readonly book: OwnerBook,
    readonly guests: GuestPolicy,
  ) {}

  /**
   * Throw PERMISSION_DENIED unless `by` may do `op` on `rel`. For overwrite, rename and delete,
   * `entry` names the entry on disk (through a held folder) and its owner is read from the book;
   * a missing entry is NOT_FOUND then, except for those the table refuses whoever made it.
   */
  async check(by: ChangeSource | undefined, op: FileOp, rel: string, entry?: string): Promise<void> {
    const actor = by?.actor;
    if (actor === undefined) return;
    if (!OWNER_OPS.has(op) || entry === undefined || !this.ownerMatters(actor, op)) {
      checkFile(actor, op, this.guests, null, rel || '/');
      return;
    }
    checkFile(actor, op, this.guests, await this.ownerOfEntry(entry, rel), rel);
  }

  /** Who made the entry `file` names: null when nobody known; NOT_FOUND when it is not there. */
  async ownerOfEntry(file: string, rel: string): Promise<Owner | null> {
    let id;
    try {
      id = await this.book.identify(file);
    } catch (err) {
      throw fromSystemError(err, rel);
    }
    if (id === null) throw new NetroomError('NOT_FOUND', `no such file or folder: ${rel}`, { path: rel });
    const record = await this.book.read(id.key);
    return record === null ? null : { role: record.role, name: record.name };
  }

  /** True when `by` may replace any file at all (the server, an administrator): no need to guard the name. */
  mayReplaceAny(by: ChangeSource | undefined): boolean {
    return by?.actor === undefined || by.actor.role === 'admin';
  }

  /**
   * Record `by`'s actor as the owner of the entry `file` names (just made, or about to be placed:
   * the inode is what is recorded). Returns the key to drop should the entry not stay, or null when
   * there is nothing to record (the server made it: its owner stays unknown, i.e. administrators only).
   */
  async record(file: string, by: ChangeSource | undefined): Promise<string | null> {
    const actor = by?.actor;
    if (actor === undefined) return null;
    const id = await this.book.identify(file);
    if (id === null) return null;
    await this.book.write(id.key, ownerOf(actor));
    return id.key;
  }

  /**
   * Place the finished upload `work` at `target` (both in one held folder) under the rules, and
   * record its owner; true when the name is new. A free name is taken with link(), which refuses a
   * name that appeared since it was checked: so someone who may not overwrite (a guest, or a member
   * and a file they did not make) never replaces a file that appeared between check and commit.
   * An existing file is replaced atomically by rename() once the overwrite is allowed against its
   * owner; the replaced entry's record goes.
   */
  async place(work: string, target: string, rel: string, noOverwrite: boolean, by: ChangeSource | undefined): Promise<boolean> {
    const key = await this.record(work, by).catch((err: unknown) => {
      throw fromSystemError(err, rel);
    });
    try {
      return await this.placeChecked(work, target, rel, noOverwrite, by);
    } catch (err) {
      if (key !== null) await this.book.drop(key);
      throw err;
    }
  }

  private async placeChecked(work: string, target: string, rel: string, noOverwrite: boolean, by: ChangeSource | undefined): Promise<boolean> {
    // Twice at most: a name found free and then taken before link() is checked once more as an overwrite.
    for (let attempt = 0; ; attempt++) {
      const existing = await this.book.identify(target);
      if (existing !== null) {
        if ((await fs.stat(target).catch(() => null))?.isDirectory() === true) {
          throw new NetroomError('NOT_A_FILE', `a folder has that name: ${rel}`, { path: rel });
        }
        if (noOverwrite) throw new NetroomError('ALREADY_EXISTS', `already exists: ${rel}`, { path: rel });
        try {
          await this.check(by, 'overwrite', rel, target);
        } catch (err) {
          // Removed since it was seen: the name is free again, so take it as a new one.
          if (attempt === 0 && err instanceof NetroomError && err.code === 'NOT_FOUND') continue;
          throw err;
        }
        await fs.rename(work, target);
        if (existing.links <= 1) await this.book.drop(existing.key);
        return false;
      }
      try {
        await fs.link(work, target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') {
          if (noOverwrite || attempt > 0) throw new NetroomError('ALREADY_EXISTS', `already exists: ${rel}`, { path: rel });
          continue;
        }
        // No hard links on this file system: with --no-overwrite there is no safe way (as before);
        // otherwise rename() after the check above (a file appearing in between would be replaced).
        if (noOverwrite) throw err;
        await fs.rename(work, target);
        return true;
      }
      await fs.unlink(work);
      return true;
    }
  }

  /** May `by` do `op` whoever made the entry? (Guests' refusals do not depend on the owner.) */
  private ownerMatters(actor: Actor, op: FileOp): boolean {
    return actor.role === 'member' && mayFile(actor, op, this.guests, { role: 'guest', name: '' });
  }
}

/**
 * The source as the library reports it: its name is the actor's (the account name, or the guest's
 * name), so every notice and log line names who did it whichever door it came through.
 */
export function namedSource(by: ChangeSource): ChangeSource {
  if (by.actor === undefined) return by;
  const name = ownerOf(by.actor).name;
  if (name === '' || name === by.name) return by;
  return { ...by, name };
}
