// The chat core: who is connected (one name server-wide), rooms with their rules, direct messages, and typed events.
import { mayChat } from '../access/permissions.js';
import { NetroomError } from '../errors.js';
import { checkName, foldName } from '../names.js';
import { checkMessage } from './message.js';
import { planModes } from './mode-plan.js';
import { renderChange, type ModeRequest } from './modes.js';
import { admit, bannedError, checkReason } from './admission.js';
import { checkRoomName } from './room-key.js';
import type { Presence } from './presence.js';

export { DEFAULT_MAX_ROOMS, DEFAULT_MAX_ROOMS_PER_MEMBER, DEFAULT_MAX_TOPIC_LENGTH, type ChatOptions, type RoomKeeper, type RoomPolicy } from './chat-options.js';
import { LOBBY, type LeaveReason, type Member, type RoomInfo, type Who } from './types.js';
import { ChatEdits } from './edits.js';

/** The one place that decides who is connected, who is in which room, who may speak, and who hears what. */
export class Chat extends ChatEdits {
  // ---- presence -------------------------------------------------------------------------------

  /**
   * Claim `name` server-wide through `door`, joining nothing; `who` says whether the door signed the
   * client in. Throws BAD_NAME, RESERVED_NAME, NAME_TAKEN, NAME_RESERVED (an account's name),
   * ACCOUNTS_ONLY (`--guests off`) or BANNED.
   */
  connect(name: string, door: string, who: Who = {}): Member {
    const checked = checkName(name);
    const key = foldName(checked);
    // A member of another node was admitted there (the same rules, the same shared store).
    if (who.node === undefined) admit(this.accessState, checked, key, who);
    this.present.checkFree(checked, key, undefined);
    const member = { name: checked, key, door, since: this.now(), ...who, role: who.role ?? 'guest' };
    const presence: Presence = { member, bucket: who.node === undefined ? this.newBucket() : null, rooms: new Set(), away: null, admin: who.role === 'admin' };
    this.present.add(presence);
    this.connected.emit(member);
    return member;
  }

  /**
   * Connect and join #lobby, as the web, terminal and seed UDP doors do: one call, so a refused
   * name never shows up as a join and a leave.
   */
  enter(name: string, door: string, who: Who = {}): Member {
    const member = this.connect(name, door, who);
    try {
      this.join(member, LOBBY);
    } catch (err) {
      // Refused by #lobby (+i, +k, +l): the name must not stay claimed by a member in no room.
      this.present.forget(member);
      throw err;
    }
    return member;
  }

  /** Leave the server: a `quit` event to everyone who shared a room. A no-op for a member already gone. */
  disconnect(member: Member, reason: LeaveReason = 'quit', text?: string): void {
    const presence = this.present.forget(member);
    if (!presence) return;
    const rooms = [...presence.rooms];
    for (const room of rooms) room.remove(member);
    // A member removed by a moderator hears it too: its door closes the connection with the reason.
    const audience = this.audienceOf(rooms, reason === 'kicked' || reason === 'banned' ? member : undefined);
    const names = rooms.map((r) => r.name);
    this.emit(
      text === undefined
        ? { kind: 'quit', name: member.name, reason, rooms: names, origin: member, audience }
        : { kind: 'quit', name: member.name, reason, rooms: names, text, origin: member, audience },
    );
  }

  /** Take a new name (IRC NICK); everyone sharing a room hears it. Throws like connect(). */
  rename(member: Member, newName: string): void {
    const presence = this.presenceOf(member);
    const checked = checkName(newName);
    const key = foldName(checked);
    if (checked === member.name) return;
    if (key !== member.key && member.node === undefined) admit(this.accessState, checked, key, member);
    this.present.checkFree(checked, key, presence);
    const old = member.name;
    this.present.rename(presence, checked, key);
    const rooms = [...presence.rooms];
    this.emit({ kind: 'rename', name: old, to: checked, rooms: rooms.map((r) => r.name), origin: member, audience: this.audienceOf(rooms, member) });
  }

  /** Away with a reason, or back with null; heard by everyone sharing a room. */
  setAway(member: Member, text: string | null): void {
    const presence = this.presenceOf(member);
    presence.away = text;
    this.emit({ kind: 'away', name: member.name, text, origin: member, audience: this.audienceOf([...presence.rooms], member) });
  }

  /** Mark a member an administrator (the IRC door's OPER, the admin token): op in every room, may create rooms. */
  makeAdmin(member: Member): void {
    this.presenceOf(member).admin = true;
  }

  // ---- rooms ----------------------------------------------------------------------------------

  /**
   * Join `roomName`, creating it if the policy allows. Throws BAD_ROOM, PERMISSION_DENIED,
   * TOO_MANY_ROOMS, INVITE_ONLY, BAD_KEY, ROOM_FULL. Joining a room one is in already does nothing
   * and returns `joined: false`.
   */
  join(member: Member, roomName: string, key?: string): { room: RoomInfo; joined: boolean; created: boolean } {
    const presence = this.presenceOf(member);
    const checked = checkRoomName(roomName);
    const rkey = this.rooms_.keyOf(checked);
    let room = this.rooms_.byRoomKey(rkey);
    if (room?.has(member)) return { room: room.info(), joined: false, created: false };
    if (presence.rooms.size >= this.maxRoomsPerMember && this.replay === null) {
      throw new NetroomError('TOO_MANY_ROOMS', `you are in ${presence.rooms.size} rooms: leave one first`, { max: this.maxRoomsPerMember });
    }
    let created = false;
    if (!room) {
      const role = presence.admin ? 'admin' : (member.role ?? 'guest');
      if (this.replay === null && !mayChat({ role, name: member.name }, 'createRoom', this.access?.guests ?? 'on', this.policy)) {
        throw new NetroomError('PERMISSION_DENIED', `no room ${checked}: only administrators create rooms here`, { room: checked });
      }
      if (this.rooms_.size >= this.maxRooms && this.replay === null) throw new NetroomError('TOO_MANY_ROOMS', 'the server has as many rooms as it allows');
      room = this.rooms_.create(checked);
      created = true;
    } else if (!this.free(presence)) {
      const ban = this.restriction('ban', member, room.key);
      if (ban) throw bannedError(ban, room.name);
      const invited = room.invited.has(member.key);
      if (room.modes.inviteOnly && !invited) throw new NetroomError('INVITE_ONLY', `${room.name} is invite-only`, { room: room.name });
      if (room.modes.key !== null && key !== room.modes.key && !invited) throw new NetroomError('BAD_KEY', `${room.name} needs the right key`, { room: room.name });
      if (room.modes.limit !== null && room.list.length >= room.modes.limit) throw new NetroomError('ROOM_FULL', `${room.name} is full`, { room: room.name });
    }
    room.invited.delete(member.key);
    // The first member into an empty room runs it, as on IRC; administrators run every room.
    // Not #lobby: it is everyone's room (the seeds' too), so no passer-by may lock it (+i, +k, +l).
    const founder = member.account === undefined ? null : foldName(member.account);
    if (created && founder !== null && room.key !== this.rooms_.lobbyKey) {
      room.founder = founder;
      this.rooms_.save(room);
    }
    const op = presence.admin || (room.list.length === 0 && room.key !== this.rooms_.lobbyKey) || (founder !== null && founder === room.founder);
    room.add(member);
    if (op) room.ops.add(member);
    presence.rooms.add(room);
    this.emit({ kind: 'join', room: room.name, name: member.name, origin: member, audience: room.list });
    return { room: room.info(), joined: true, created };
  }

  /** Leave one room; throws NO_SUCH_ROOM or NOT_IN_ROOM. */
  part(member: Member, roomName: string, text?: string): void {
    const presence = this.presenceOf(member);
    const room = this.rooms_.of(roomName);
    const audience = room.list;
    if (!room.remove(member)) throw new NetroomError('NOT_IN_ROOM', `you are not in ${room.name}`, { room: room.name });
    presence.rooms.delete(room);
    this.emit(
      text === undefined
        ? { kind: 'part', room: room.name, name: member.name, origin: member, audience }
        : { kind: 'part', room: room.name, name: member.name, text, origin: member, audience },
    );
  }

  /** Say `text` in a room; throws NO_SUCH_ROOM, NOT_IN_ROOM, MODERATED, the message errors or RATE_LIMITED. */
  say(member: Member, roomName: string, text: string, options: { notice?: boolean } = {}): void {
    const presence = this.presenceOf(member);
    const room = this.rooms_.of(roomName);
    // The presence's set says the same as room.has() without walking the member list (say is the hot path).
    // `-n` lets non-members speak in (IRC's external messages); they still are not its audience.
    if (room.modes.noExternal && !presence.rooms.has(room) && this.replay === null) throw new NetroomError('NOT_IN_ROOM', `you are not in ${room.name}`, { room: room.name });
    if (room.modes.moderated && !room.ops.has(member) && !room.voiced.has(member) && !this.free(presence)) {
      throw new NetroomError('MODERATED', `${room.name} is moderated: only operators and voiced members speak`, { room: room.name });
    }
    if (!this.free(presence)) this.checkMuted(member, room.key, room.name);
    const checked = checkMessage(text);
    this.takeToken(presence);
    this.emit(
      options.notice
        ? { kind: 'message', room: room.name, name: member.name, text: checked, notice: true, origin: member, audience: room.list }
        : { kind: 'message', room: room.name, name: member.name, text: checked, origin: member, audience: room.list },
    );
  }

  /** A direct message to the member holding `to`; throws NO_SUCH_MEMBER, the message errors or RATE_LIMITED. Returns the addressee. */
  dm(member: Member, to: string, text: string, options: { notice?: boolean } = {}): Member {
    const presence = this.presenceOf(member);
    const target = typeof to === 'string' && to !== '' ? this.find(to) : undefined;
    if (!target) throw new NetroomError('NO_SUCH_MEMBER', `nobody called ${String(to)} is here`, { name: String(to) });
    if (!this.free(presence)) this.checkMuted(member, null, null);
    const checked = checkMessage(text);
    this.takeToken(presence);
    const audience = target === member ? [member] : [member, target];
    this.emit(
      options.notice
        ? { kind: 'dm', name: member.name, to: target.name, text: checked, notice: true, origin: member, audience }
        : { kind: 'dm', name: member.name, to: target.name, text: checked, origin: member, audience },
    );
    return target;
  }

  /** Set a room's topic (empty clears it); under `+t` operators only. Throws NOT_IN_ROOM, NOT_OPERATOR, BAD_MESSAGE. */
  setTopic(member: Member, roomName: string, topic: string): void {
    const presence = this.presenceOf(member);
    const room = this.rooms_.of(roomName);
    if (!room.has(member) && !this.free(presence)) throw new NetroomError('NOT_IN_ROOM', `you are not in ${room.name}`, { room: room.name });
    if (room.modes.topicLocked && !room.ops.has(member) && !this.free(presence)) {
      throw new NetroomError('NOT_OPERATOR', `only operators of ${room.name} set its topic`, { room: room.name });
    }
    const text = topic === '' ? '' : checkMessage(topic);
    const length = [...text].length;
    if (length > this.maxTopicLength) throw new NetroomError('MESSAGE_TOO_LONG', `a topic is at most ${this.maxTopicLength} characters`, { max: this.maxTopicLength, length });
    if (/[\r\n]/u.test(text)) throw new NetroomError('BAD_MESSAGE', 'a topic is one line');
    room.topic = text;
    room.topicBy = member.name;
    room.topicAt = this.now();
    this.rooms_.save(room);
    this.emit({ kind: 'topic', room: room.name, name: member.name, topic: text, origin: member, audience: room.list });
  }

  /**
   * Apply mode changes to a room as one of its operators (or an administrator). Changes that
   * alter nothing are left out; returns what was applied (also sent as one `mode` event). Throws
   * NO_SUCH_ROOM, NOT_OPERATOR, NO_SUCH_MEMBER, BAD_KEY, BAD_REQUEST.
   */
  setModes(member: Member, roomName: string, requests: readonly ModeRequest[]): ModeRequest[] {
    const presence = this.presenceOf(member);
    const room = this.rooms_.of(roomName);
    if (!room.ops.has(member) && !this.free(presence)) throw new NetroomError('NOT_OPERATOR', `you are not an operator of ${room.name}`, { room: room.name });
    // Every request is checked before any applies: a refused one changes nothing (convention 4).
    const { modes, members, applied } = planModes(room, requests, (name) => this.find(name));
    for (const { set, target, on } of members) {
      if (on) set.add(target);
      else set.delete(target);
    }
    if (modes !== room.modes) {
      room.modes = modes;
      this.rooms_.save(room);
    }
    if (applied.length > 0) {
      const { change, args } = renderChange(applied);
      this.emit({ kind: 'mode', room: room.name, name: member.name, change, args, applied, origin: member, audience: room.list });
    }
    return applied;
  }

  /** Invite the member holding `to` into a room; under `+i` operators only. Throws NO_SUCH_MEMBER, NOT_IN_ROOM, NOT_OPERATOR, ALREADY_IN_ROOM. */
  invite(member: Member, roomName: string, to: string): Member {
    const presence = this.presenceOf(member);
    const target = this.find(to);
    if (!target) throw new NetroomError('NO_SUCH_MEMBER', `nobody called ${to} is here`, { name: to });
    const room = this.rooms_.of(roomName);
    if (!room.has(member) && !this.free(presence)) throw new NetroomError('NOT_IN_ROOM', `you are not in ${room.name}`, { room: room.name });
    if (room.modes.inviteOnly && !room.ops.has(member) && !this.free(presence)) {
      throw new NetroomError('NOT_OPERATOR', `only operators invite into ${room.name}`, { room: room.name });
    }
    if (room.has(target)) throw new NetroomError('ALREADY_IN_ROOM', `${target.name} is already in ${room.name}`, { room: room.name, name: target.name });
    room.invited.add(target.key);
    this.emit({ kind: 'invite', room: room.name, name: member.name, to: target.name, origin: member, audience: [...new Set([target, member, ...room.list.filter((m) => room.ops.has(m))])] });
    return target;
  }

  // ---- moderation (the rules of who may: moderation.ts) -----------------------------------------

  /**
   * Remove `target` from a room: `by` must be one of its operators or an administrator (absent: the
   * server, for a ban). The room hears a `kick`, the one removed included. Throws NO_SUCH_ROOM,
   * NOT_OPERATOR, NO_SUCH_MEMBER, NOT_IN_ROOM.
   */
  kick(by: Member | undefined, roomName: string, target: string, reason = '', moderator = 'netroom'): Member {
    const room = this.rooms_.of(roomName);
    if (by !== undefined && !room.ops.has(by) && !this.free(this.presenceOf(by))) {
      throw new NetroomError('NOT_OPERATOR', `you are not an operator of ${room.name}`, { room: room.name });
    }
    const member = this.find(target);
    if (!member) throw new NetroomError('NO_SUCH_MEMBER', `nobody called ${target} is here`, { name: target });
    const audience = room.list;
    if (!room.remove(member)) throw new NetroomError('NOT_IN_ROOM', `${member.name} is not in ${room.name}`, { room: room.name, name: member.name });
    this.presenceOf(member).rooms.delete(room);
    const text = checkReason(reason);
    this.emit({ kind: 'kick', room: room.name, name: by?.name ?? moderator, target: member.name, text, ...(by ? { origin: by } : {}), audience });
    return member;
  }

  /** Tell a room (server-wide acts: #lobby) about a ban, mute or their lifting. */
  notifyModeration(action: 'ban' | 'unban' | 'mute' | 'unmute', scope: string | null, by: string, target: string, text: string, until: number | null): void {
    const room = (scope === null ? undefined : this.rooms_.find(scope)) ?? this.rooms_.lobby();
    this.emit({ kind: 'moderation', action, room: room.name, scope: scope === null ? null : room.name, name: by, target, text: checkReason(text), until, audience: room.list });
  }

  // ---- server-wide ----------------------------------------------------------------------------

  /** An administrator announcement, heard by every member connected. */
  announce(text: string): void {
    this.emit({ kind: 'announce', text: checkMessage(text), audience: this.present.online });
  }

  /**
   * A server notice to one member only (an announcement it alone hears). Not history and not for
   * other nodes: it is about this node's connection (see Cluster).
   */
  tell(member: Member, text: string): void {
    this.replaying({ node: 'self' }, () => this.emit({ kind: 'announce', text: checkMessage(text), audience: [member] }));
  }

    /** Tell a room an upload completed (default #lobby); `name` is the uploader where the door knows one. */
  fileShared(path: string, size: number, name?: string, roomName: string = LOBBY): void {
    const room = this.rooms_.find(roomName) ?? this.rooms_.lobby();
    this.emit(
      name === undefined
        ? { kind: 'file', room: room.name, path, size, audience: room.list }
        : { kind: 'file', room: room.name, name, path, size, audience: room.list },
    );
  }

  /** Tell everyone the server is closing, then forget every member (no quit events). */
  close(): void {
    this.emit({ kind: 'closing', audience: this.present.online });
    for (const room of this.rooms_.values()) {
      room.list = [];
      room.ops.clear();
      room.voiced.clear();
    }
    this.present.clear();
  }
}
