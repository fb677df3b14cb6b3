// One room's live state: its members in join order, operators and voiced members, modes, topic and invitations.
import type { Member, RoomInfo, RoomModes, RoomStanding } from './types.js';

/** Modes of a new room: `+nt`, as IRC servers create channels. */
export const DEFAULT_MODES: RoomModes = { noExternal: true, topicLocked: true, secret: false, inviteOnly: false, moderated: false, key: null, limit: null };

/** A room, live. The core (chat.ts) is the only writer; doors read it through the Chat's queries. */
export class RoomState {
  /** Members in join order; replaced (never mutated) so an event can keep it as its audience. */
  list: readonly Member[] = [];
  readonly ops = new Set<Member>();
  readonly voiced = new Set<Member>();
  /** Folded names invited while `+i` (cleared when they join). */
  readonly invited = new Set<string>();
  topic: string;
  topicBy: string | null;
  topicAt: number | null;
  /** The folded account name of the creator, when signed in: operator whenever present. */
  founder: string | null = null;

  constructor(
    readonly name: string,
    readonly key: string,
    readonly createdAt: number,
    public modes: RoomModes,
    topic = '',
    topicBy: string | null = null,
    topicAt: number | null = null,
  ) {
    this.topic = topic;
    this.topicBy = topicBy;
    this.topicAt = topicAt;
  }

  has(member: Member): boolean {
    return this.list.includes(member);
  }

  add(member: Member): void {
    this.list = [...this.list, member];
  }

  remove(member: Member): boolean {
    const at = this.list.indexOf(member);
    if (at < 0) return false;
    this.list = this.list.filter((m) => m !== member);
    this.ops.delete(member);
    this.voiced.delete(member);
    return true;
  }

  standing(member: Member): RoomStanding | undefined {
    if (!this.has(member)) return undefined;
    return { op: this.ops.has(member), voice: this.voiced.has(member) };
  }

  info(): RoomInfo {
    return {
      name: this.name,
      key: this.key,
      topic: this.topic,
      topicBy: this.topicBy,
      topicAt: this.topicAt,
      createdAt: this.createdAt,
      modes: this.modes,
      size: this.list.length,
    };
  }
}
