// Who is connected: one presence per name server-wide, found by folded name or by member, in order of connection.
import { NetroomError } from '../errors.js';
import type { TokenBucket } from '../limits.js';
import type { RoomState } from './room-state.js';
import type { Member } from './types.js';

/** A connected member's state in the core; the member's name and key change in place on rename. */
export interface Presence {
  member: Member & { name: string; key: string };
  bucket: TokenBucket | null;
  rooms: Set<RoomState>;
  away: string | null;
  admin: boolean;
}

/** Every presence, by folded name and by member; `online` is replaced on change so an event can keep it as its audience. */
export class Presences {
  private readonly byKey = new Map<string, Presence>();
  private readonly byMember = new Map<Member, Presence>();
  private list: readonly Member[] = [];

  /** Everyone connected, in order of connection (the array is never mutated). */
  get online(): readonly Member[] {
    return this.list;
  }

  /** The presence holding a folded name. */
  holding(key: string): Presence | undefined {
    return this.byKey.get(key);
  }

  /** The presence of this very member entry. */
  of(member: Member): Presence | undefined {
    return this.byMember.get(member);
  }

  add(presence: Presence): void {
    this.byKey.set(presence.member.key, presence);
    this.byMember.set(presence.member, presence);
    this.list = [...this.list, presence.member];
  }

  /** Move a presence to a new name and key (a rename). */
  rename(presence: Presence, name: string, key: string): void {
    this.byKey.delete(presence.member.key);
    presence.member.name = name;
    presence.member.key = key;
    this.byKey.set(key, presence);
  }

  /** Drop a member's presence (its name becomes free); returns what it was, or undefined if gone already. */
  forget(member: Member): Presence | undefined {
    const presence = this.byMember.get(member);
    if (!presence) return undefined;
    this.byKey.delete(member.key);
    this.byMember.delete(member);
    this.list = this.list.filter((m) => m !== member);
    return presence;
  }

  clear(): void {
    this.byKey.clear();
    this.byMember.clear();
    this.list = [];
  }

  /** Throw NAME_TAKEN if someone other than `self` holds `key`. */
  checkFree(name: string, key: string, self: Presence | undefined): void {
    const holder = this.byKey.get(key);
    if (holder && holder !== self) {
      // A look-alike or another case: say whom it clashes with, or the refusal looks arbitrary.
      const as = holder.member.name === name ? '' : ` (as ${holder.member.name})`;
      throw new NetroomError('NAME_TAKEN', `the name ${name} is already in use${as}`, { name, holder: holder.member.name });
    }
  }
}
