// The chat's state and what anyone may ask of it: members, rooms, standings, restrictions; the operations are in chat.ts.
import type { Access } from '../access/access.js';
import type { RestrictionRecord } from '../../store/access.js';
import { Emitter } from '../emitter.js';
import { NetroomError } from '../errors.js';
import { TokenBucket, type FloodLimit, DEFAULT_FLOOD } from '../limits.js';
import { foldName } from '../names.js';
import { Presences, type Presence } from './presence.js';
import { mutedError, subjectOf } from './admission.js';
import { RoomRegistry } from './room-registry.js';
import type { RoomState } from './room-state.js';
import { DEFAULT_MAX_ROOMS, DEFAULT_MAX_ROOMS_PER_MEMBER, DEFAULT_MAX_TOPIC_LENGTH, type ChatOptions, type RoomKeeper, type RoomPolicy } from './chat-options.js';
import type { ChatEvent, ChatListener, Member, NewChatEvent, RoomInfo, RoomStanding } from './types.js';


/** The chat's state, its queries and the internals its operations share (see {@link Chat}). */
export abstract class ChatState {
  readonly policy: RoomPolicy;
  readonly maxRoomsPerMember: number;
  readonly maxRooms: number;
  readonly maxTopicLength: number;
  /** Everyone connected, by name and by member. */
  protected readonly present = new Presences();
  protected readonly rooms_: RoomRegistry;
  protected readonly events: Emitter<ChatEvent>;
  protected readonly flood: FloodLimit | null;
  /** Accounts, the guest policy, bans and mutes (absent: none of them). */
  protected accessState: Access | undefined;
  protected readonly now: () => number;
  protected nextId = 1;
  /** Set while replaying what happened on another node (see replaying()). */
  protected replay: { readonly node: string; readonly storedId?: number } | null = null;
  /** Hears every member that connects (the cluster claims its name and tells the other nodes). */
  protected readonly connected: Emitter<Member>;

  constructor(options: ChatOptions = {}) {
    this.flood = options.flood === undefined ? DEFAULT_FLOOD : options.flood;
    this.policy = options.rooms ?? 'open';
    this.maxRoomsPerMember = options.maxRoomsPerMember ?? DEFAULT_MAX_ROOMS_PER_MEMBER;
    this.maxRooms = options.maxRooms ?? DEFAULT_MAX_ROOMS;
    this.maxTopicLength = options.maxTopicLength ?? DEFAULT_MAX_TOPIC_LENGTH;
    this.now = options.now ?? Date.now;
    this.accessState = options.access;
    this.events = new Emitter(options.onListenerError ?? ((err) => console.error('netroom: chat listener failed:', err)));
    this.rooms_ = new RoomRegistry(this.now);
    this.connected = new Emitter(options.onListenerError ?? ((err) => console.error('netroom: chat listener failed:', err)));
  }

  /** Hear each member that connects (no chat event says so: IRC registration joins nothing). */
  onConnect(listener: (member: Member) => void): () => void {
    return this.connected.subscribe(listener);
  }

  /**
   * Run `apply` as the replay of something another node already decided: its rules are not asked
   * again (that node asked them, of the same shared state), and the events it raises carry
   * `remote`, so they are delivered here but neither stored nor sent on again.
   */
  replaying<T>(from: { readonly node: string; readonly storedId?: number }, apply: () => T): T {
    const outer = this.replay;
    this.replay = from;
    try {
      return apply();
    } finally {
      this.replay = outer;
    }
  }

  /** Whether rules do not hold `presence` back: an administrator, or a replay of another node's decision. */
  protected free(presence: Presence): boolean {
    return presence.admin || this.replay !== null;
  }

  /**
   * Load the persisted rooms (with their topics and modes) and keep every later room change
   * there. Called once at start, before any member connects.
   */
  restore(keeper: RoomKeeper): void {
    this.rooms_.restore(keeper);
  }

  /** Accounts, the guest policy, bans and mutes, when the server has them. */
  get access(): Access | undefined {
    return this.accessState;
  }

  /** Use `access` from now on (the server opens it in start(), before any door). */
  useAccess(access: Access): void {
    this.accessState = access;
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: ChatListener): () => void {
    return this.events.subscribe(listener);
  }

  /** The ban or mute of `type` in force on `member` (server-wide, or in the room of `roomKey`). */
  restriction(type: 'ban' | 'mute', member: Member, roomKey: string | null): RestrictionRecord | undefined {
    return this.access?.restrictions.find(type, subjectOf(member), roomKey);
  }

  /** The name of the room whose key is `key` (secret or not), or undefined. */
  roomNameByKey(key: string): string | undefined {
    return this.rooms_.byRoomKey(key)?.name;
  }

  /** A room's key, or undefined for no such room. */
  roomKeyOf(roomName: string): string | undefined {
    return typeof roomName === 'string' && roomName.startsWith('#') ? this.rooms_.find(roomName)?.key : undefined;
  }

  /** Refresh a member's role from its account (changed by the CLI): admin rights follow at once. */
  setRole(member: Member, role: Member['role']): void {
    const presence = this.presenceOf(member);
    (presence.member as { role?: Member['role'] }).role = role;
    presence.admin = role === 'admin';
  }

  // ---- queries --------------------------------------------------------------------------------

  /** The member currently holding `name` (any case, any look-alike), if any. */
  find(name: string): Member | undefined {
    if (typeof name !== 'string' || name === '') return undefined;
    return this.present.holding(foldName(name.normalize('NFC')))?.member;
  }

  /** True while `member` (this very entry, not just its name) is connected. */
  has(member: Member): boolean {
    return this.present.of(member) !== undefined;
  }

  /** Everyone connected, in order of connection. */
  online(): readonly Member[] {
    return this.present.online;
  }

  /** Members connected. */
  get size(): number {
    return this.present.online.length;
  }

  /** A room's current state, if it exists. */
  room(name: string): RoomInfo | undefined {
    if (typeof name !== 'string' || !name.startsWith('#')) return undefined;
    return this.rooms_.find(name)?.info();
  }

  /** Every room `viewer` may see (secret ones only to their members and administrators), by name. */
  rooms(viewer?: Member): RoomInfo[] {
    const admin = viewer ? this.present.of(viewer)?.admin === true : false;
    const out: RoomInfo[] = [];
    for (const room of this.rooms_.values()) {
      if (room.modes.secret && !admin && !(viewer && room.has(viewer))) continue;
      out.push(room.info());
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** A room's members in join order (empty for an unknown room). The array is never mutated. */
  members(roomName: string): readonly Member[] {
    return this.rooms_.find(roomName)?.list ?? [];
  }

  /** The rooms a member is in, by name, in join order. */
  roomsOf(member: Member): string[] {
    const presence = this.present.of(member);
    return presence ? [...presence.rooms].map((r) => r.name) : [];
  }

  /** A member's standing in a room, or undefined if not in it. */
  standing(roomName: string, member: Member): RoomStanding | undefined {
    return this.rooms_.find(roomName)?.standing(member);
  }

  /**
   * From when `member` reads its direct-message history (ms): an account from its creation (a guest
   * who used the name before is someone else), a guest everything kept under its name.
   */
  conversationsSince(member: Member): number {
    if (member.account === undefined) return 0;
    return this.accessState?.accounts.find(member.account)?.createdAt ?? 0;
  }

  /** A member's away text, or null. */
  awayOf(member: Member): string | null {
    return this.present.of(member)?.away ?? null;
  }

  isAdmin(member: Member): boolean {
    return this.present.of(member)?.admin === true;
  }

  /** Whether `member` may read a room's history and search it: in it, or it is neither secret nor invite-only. */
  mayRead(member: Member | undefined, roomName: string): boolean {
    const room = this.rooms_.find(roomName);
    if (!room) return false;
    if (member && (room.has(member) || this.present.of(member)?.admin)) return true;
    return !room.modes.secret && !room.modes.inviteOnly && room.modes.key === null;
  }

  // ---- internals ------------------------------------------------------------------------------







  protected checkMuted(member: Member, roomKey: string | null, roomName: string | null): void {
    const mute = this.restriction('mute', member, roomKey);
    if (mute) throw mutedError(mute, roomName);
  }

  protected presenceOf(member: Member): Presence {
    const presence = this.present.of(member);
    if (!presence) throw new NetroomError('NOT_IN_ROOM', `${member.name} is not connected`, { name: member.name });
    return presence;
  }

  protected newBucket(): TokenBucket | null {
    return this.flood ? new TokenBucket(this.flood, this.now()) : null;
  }

  protected takeToken(presence: Presence): void {
    if (presence.bucket && !presence.bucket.take(this.now())) {
      throw new NetroomError('RATE_LIMITED', 'too many messages: slow down and send that again');
    }
  }

  /** Everyone in any of `rooms`, once each, plus `self` if given (who hears a quit, rename or away). */
  protected audienceOf(rooms: readonly RoomState[], self: Member | undefined): readonly Member[] {
    if (rooms.length === 1 && !self) return rooms[0]!.list;
    const seen = new Set<Member>();
    if (self) seen.add(self);
    for (const room of rooms) for (const m of room.list) seen.add(m);
    return [...seen];
  }

  protected emit(partial: NewChatEvent): void {
    // Every caller passes a fresh literal, so it is completed in place rather than copied (one
    // object per event on the hot path). Delivered in id order even when a listener acts on the
    // chat while hearing one (see Emitter).
    const event = partial as NewChatEvent & { id: number; at: number };
    event.id = this.nextId++;
    event.at = this.now();
    if (this.replay !== null) (event as { remote?: unknown }).remote = this.replay;
    this.events.emit(event);
  }
}
