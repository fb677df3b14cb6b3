// Moderation: kick, ban, mute and their lifting, with who may (room operators in their room, admins everywhere), enforced at once.
import { NetroomError } from '../errors.js';
import { Restrictions, type RestrictionRequest } from '../access/restrictions.js';
import { mayChat } from '../access/permissions.js';
import type { Actor } from '../access/roles.js';
import type { RestrictionKind, RestrictionRecord } from '../../store/access.js';
import type { Chat } from './chat.js';
import type { Member } from './types.js';

/** Who moderates: a member connected through a chat door (its room standing counts), or an actor (HTTP API, CLI). */
export interface Moderator {
  readonly actor: Actor;
  readonly member?: Member;
}

/** One moderation act, for the log line every act gets. */
export interface ModerationAct {
  readonly action: 'kick' | 'ban' | 'unban' | 'mute' | 'unmute';
  readonly by: string;
  readonly target: string;
  readonly room: string | null;
  readonly reason: string;
  readonly until: number | null;
  /** Members removed by the act (a ban removes those it matches at once). */
  readonly removed: readonly string[];
}

/** The moderation commands every door and the CLI call; the rules live here and in the chat. */
export class Moderation {
  private readonly chat: Chat;
  private readonly log: (act: ModerationAct) => void;

  constructor(chat: Chat, log: (act: ModerationAct) => void = () => undefined) {
    this.chat = chat;
    this.log = log;
  }

  /** Remove `target` from `room` with a reason; or, with `room` null, from the server (admins only). */
  kick(by: Moderator, room: string | null, target: string, reason = ''): void {
    const name = nameOf(by);
    if (room === null) {
      this.requireAdmin(by, 'remove members from the server');
      const member = this.chat.find(target);
      if (!member) throw new NetroomError('NO_SUCH_MEMBER', `nobody called ${target} is here`, { name: target });
      this.chat.disconnect(member, 'kicked', reason === '' ? `removed by ${name}` : `removed by ${name}: ${reason}`);
      this.log({ action: 'kick', by: name, target: member.name, room: null, reason, until: null, removed: [member.name] });
      return;
    }
    if (by.member === undefined) this.requireAdmin(by, 'remove members from rooms they are not in');
    const gone = this.chat.kick(by.member ?? undefined, room, target, reason, name);
    this.log({ action: 'kick', by: name, target: gone.name, room, reason, until: null, removed: [gone.name] });
  }

  /** Ban or mute: server-wide (admins) or in a room (its operators, admins); a ban removes whoever it matches now. */
  restrict(by: Moderator, request: RestrictionRequest): RestrictionRecord {
    const access = this.requireAccess();
    const roomKey = this.scopeOf(by, request.room ?? null);
    const name = nameOf(by);
    const record = access.restrictions.add(request, name, roomKey);
    const removed = request.type === 'ban' ? this.enforceBan(record, name) : [];
    this.chat.notifyModeration(request.type, request.room ?? null, name, record.shown, record.reason, record.until);
    this.log({ action: request.type, by: name, target: record.shown, room: request.room ?? null, reason: record.reason, until: record.until, removed });
    return record;
  }

  /** Lift bans or mutes of `kind` on `value` in `room` (null: server-wide); NOT_FOUND when there were none. */
  lift(by: Moderator, type: 'ban' | 'mute', kind: RestrictionKind, value: string, room: string | null): RestrictionRecord[] {
    const access = this.requireAccess();
    const roomKey = this.scopeOf(by, room);
    const gone = access.restrictions.removeMatching(type, kind, value, roomKey);
    if (gone.length === 0) throw new NetroomError('NOT_FOUND', `no ${type} on ${value}${room === null ? '' : ` in ${room}`}`);
    const name = nameOf(by);
    const action = type === 'ban' ? 'unban' : 'unmute';
    this.chat.notifyModeration(action, room, name, gone[0]?.shown ?? value, '', null);
    this.log({ action, by: name, target: gone[0]?.shown ?? value, room, reason: '', until: null, removed: [] });
    return gone;
  }

  /** Lift one restriction by its id (from `list`). */
  liftById(by: Moderator, id: number): RestrictionRecord {
    const access = this.requireAccess();
    const found = access.restrictions.list().find((r) => r.id === id);
    if (!found) throw new NetroomError('NOT_FOUND', `no ban or mute has id ${id}`);
    this.scopeOf(by, found.room === null ? null : this.roomNameOf(found.room));
    access.restrictions.remove(id);
    const name = nameOf(by);
    const action = found.type === 'ban' ? 'unban' : 'unmute';
    this.chat.notifyModeration(action, found.room === null ? null : this.roomNameOf(found.room), name, found.shown, '', null);
    this.log({ action, by: name, target: found.shown, room: found.room, reason: '', until: null, removed: [] });
    return found;
  }

  /** Bans and mutes in force: all of them to admins, a room's to its operators. */
  list(by: Moderator, room: string | null = null): RestrictionRecord[] {
    const access = this.requireAccess();
    const roomKey = this.scopeOf(by, room);
    return access.restrictions.list(room === null ? {} : { room: roomKey });
  }

  /** Follow account changes made by another process: a deleted account's member leaves, a new role applies now. */
  refreshAccounts(): void {
    const access = this.chat.access;
    if (!access) return;
    for (const member of [...this.chat.online()]) {
      if (member.account === undefined) continue;
      const account = access.accounts.find(member.account);
      if (account === undefined) this.chat.disconnect(member, 'kicked', 'account deleted');
      else if (account.role !== member.role) this.chat.setRole(member, account.role);
    }
  }

  /** Apply every ban in force to who is connected now (after another process added some). */
  enforceAll(): void {
    const access = this.chat.access;
    if (!access) return;
    for (const record of access.restrictions.list({ type: 'ban' })) this.enforceBan(record, record.by);
  }

  private enforceBan(record: RestrictionRecord, by: string): string[] {
    const removed: string[] = [];
    const reason = record.reason === '' ? `banned by ${by}` : `banned by ${by}: ${record.reason}`;
    for (const member of [...this.chat.online()]) {
      // A member of another node is removed by its own node (which hears of the ban through the shared store).
      if (member.role === 'admin' || member.node !== undefined || !Restrictions.matches(record, member)) continue;
      if (record.room === null) {
        this.chat.disconnect(member, 'banned', reason);
        removed.push(member.name);
      } else {
        const roomName = this.roomNameOf(record.room);
        // Operators stay (as on IRC, where +b never removes an op): a broad mask must not empty the room of its moderators.
        if (this.chat.members(roomName).includes(member) && this.chat.standing(roomName, member)?.op !== true) {
          this.chat.kick(undefined, roomName, member.name, record.reason, by);
          removed.push(member.name);
        }
      }
    }
    return removed;
  }

  /** The room key a restriction applies to (null: server-wide), after checking `by` may act there. */
  private scopeOf(by: Moderator, room: string | null): string | null {
    if (room === null) {
      this.requireAdmin(by, 'ban or mute server-wide');
      return null;
    }
    const key = this.chat.roomKeyOf(room);
    if (key === undefined) throw new NetroomError('NO_SUCH_ROOM', `no room called ${room}`, { room });
    if (this.isAdmin(by)) return key;
    if (by.member === undefined || this.chat.standing(room, by.member)?.op !== true) {
      throw new NetroomError('NOT_OPERATOR', `only operators of ${room} and administrators moderate it`, { room });
    }
    return key;
  }

  private roomNameOf(key: string): string {
    return this.chat.roomNameByKey(key) ?? key;
  }

  private requireAdmin(by: Moderator, what: string): void {
    if (this.isAdmin(by)) return;
    throw new NetroomError('PERMISSION_DENIED', `only administrators ${what}`);
  }

  /** Server-wide moderation is the permission table's `moderate` (admins: an admin account, the console, OPER). */
  private isAdmin(by: Moderator): boolean {
    const role = by.member !== undefined && this.chat.isAdmin(by.member) ? 'admin' : by.actor.role;
    return mayChat({ ...by.actor, role }, 'moderate', this.chat.access?.guests ?? 'on', this.chat.policy);
  }

  private requireAccess(): NonNullable<Chat['access']> {
    const access = this.chat.access;
    if (!access) throw new NetroomError('BAD_REQUEST', 'bans and mutes need the access store');
    return access;
  }
}

function nameOf(by: Moderator): string {
  return by.member?.name ?? by.actor.name;
}
