// The chat model's public types: members, rooms, direct messages and the typed events every door turns into wire messages.
import type { Role } from '../access/roles.js';

/** Why a member left the server: asked to, stopped answering, lost its connection, or the server closed. */
export type LeaveReason = 'quit' | 'timeout' | 'disconnect' | 'shutdown' | 'kicked' | 'banned';

/** What the door knows of who connects: the account when signed in, the address, IRC's user part. */
export interface Who {
  /** The account name, when the door signed the client in. */
  readonly account?: string;
  /** `member` or `admin` for an account; absent: a guest. */
  readonly role?: Role;
  /** The client's IP address, when the door has one (bans by address). */
  readonly address?: string;
  /** IRC's user (ident), for `nick!user@host` ban masks. */
  readonly user?: string;
  /** Set for a member connected to another node, seen here through the bus (never by a door). */
  readonly node?: string;
}

/** A connected member, as handed to the door that let it in. One name, server-wide, from any door. */
export interface Member {
  /** The name as entered (NFC). */
  readonly name: string;
  /** The case-folded skeleton key that makes names unique across doors. */
  readonly key: string;
  /** Which door the member came through, e.g. "udp", "ws", "irc". */
  readonly door: string;
  /** Connection time, ms since the epoch. */
  readonly since: number;
  /** The account, when signed in (absent: a guest). */
  readonly account?: string;
  /** `guest` when absent; changes in place when an administrator changes the account's role. */
  readonly role?: Role;
  /** The client's IP address, when the door has one. */
  readonly address?: string;
  /** IRC's user (ident) part, when the door has one. */
  readonly user?: string;
  /** The node holding the connection, when it is another node (a member seen through the bus). */
  readonly node?: string;
}

/**
 * A room's settings, the IRC channel modes every door respects (the core enforces them):
 * `+n` noExternal (only members speak; on by default), `+t` topicLocked, `+s` secret,
 * `+i` inviteOnly, `+m` moderated, `+k` key, `+l` limit.
 */
export interface RoomModes {
  readonly noExternal: boolean;
  readonly topicLocked: boolean;
  readonly secret: boolean;
  readonly inviteOnly: boolean;
  readonly moderated: boolean;
  readonly key: string | null;
  readonly limit: number | null;
}

/** What anyone may see of a room: `rooms()` lists these (secret rooms only to their members). */
export interface RoomInfo {
  /** `#name` as first created. */
  readonly name: string;
  /** The case-folded key that makes room names unique. */
  readonly key: string;
  readonly topic: string;
  /** Who set the topic and when (ms), if anyone has. */
  readonly topicBy: string | null;
  readonly topicAt: number | null;
  readonly createdAt: number;
  readonly modes: RoomModes;
  /** Members in the room now. */
  readonly size: number;
}

/** A member's standing in one room: `@` operator (the creator, administrators), `+` voice. */
export interface RoomStanding {
  readonly op: boolean;
  readonly voice: boolean;
}

interface EventBase {
  /** Monotonic event number within this server. */
  readonly id: number;
  /** Time of the event, ms since the epoch. */
  readonly at: number;
  /** The member who caused it, if a member did. */
  readonly origin?: Member;
  /**
   * Who hears it, fixed when the event was raised: the room's members, both sides of a direct
   * message, or everyone connected. A door fans out to the ones that came through it.
   */
  readonly audience: readonly Member[];
  /**
   * Set when the event happened on another node and was replayed here from the bus: that node
   * stored it (under `storedId`, when it was kept) and told the other nodes; this one only delivers it.
   */
  readonly remote?: { readonly node: string; readonly storedId?: number };
}

/** Everything that happens in the chat; doors turn these into wire messages, once per audience. */
export type ChatEvent =
  | (EventBase & { readonly kind: 'join'; readonly room: string; readonly name: string })
  | (EventBase & { readonly kind: 'part'; readonly room: string; readonly name: string; readonly text?: string })
  /** Left the server: a leave from every room in `rooms` (the audience is everyone who shared one). */
  | (EventBase & {
      readonly kind: 'quit';
      readonly name: string;
      readonly reason: LeaveReason;
      readonly rooms: readonly string[];
      readonly text?: string;
    })
  | (EventBase & { readonly kind: 'message'; readonly room: string; readonly name: string; readonly text: string; readonly notice?: boolean })
  /** A direct message from `name` to `to`; the audience is both of them. */
  | (EventBase & { readonly kind: 'dm'; readonly name: string; readonly to: string; readonly text: string; readonly notice?: boolean })
  | (EventBase & { readonly kind: 'topic'; readonly room: string; readonly name?: string; readonly topic: string })
  /** Modes changed, in IRC form: `change` like `+o-v` and its arguments in order. */
  | (EventBase & {
      readonly kind: 'mode';
      readonly room: string;
      readonly name?: string;
      readonly change: string;
      readonly args: readonly string[];
      /** The same change as requests (what another node replays). */
      readonly applied?: readonly { readonly mode: string; readonly on: boolean; readonly arg?: string }[];
    })
  /** `name` invited `to` into `room`; the audience is the one invited (and the inviter). */
  | (EventBase & { readonly kind: 'invite'; readonly room: string; readonly name: string; readonly to: string })
  /** `name` is now `to`; the audience is everyone sharing a room with them, and themselves. */
  | (EventBase & { readonly kind: 'rename'; readonly name: string; readonly to: string; readonly rooms: readonly string[] })
  /** Away with a reason, or back (`text` null); the audience as for rename. */
  | (EventBase & { readonly kind: 'away'; readonly name: string; readonly text: string | null })
  | (EventBase & { readonly kind: 'announce'; readonly text: string })
  /** `name` (a moderator, or the server) removed `target` from `room`; the audience is the room, `target` included. */
  | (EventBase & { readonly kind: 'kick'; readonly room: string; readonly name: string; readonly target: string; readonly text: string })
  /**
   * A ban, mute or their lifting, told to `room` (server-wide acts to #lobby, `scope` null); `target`
   * is who or what (a name, an account, an address, a mask), `until` when it ends (null: for ever).
   */
  | (EventBase & {
      readonly kind: 'moderation';
      readonly action: 'ban' | 'unban' | 'mute' | 'unmute';
      readonly room: string;
      readonly scope: string | null;
      readonly name: string;
      readonly target: string;
      readonly text: string;
      readonly until: number | null;
    })
  | (EventBase & { readonly kind: 'file'; readonly room: string; readonly name?: string; readonly path: string; readonly size: number })
  /**
   * `name` (the author: only authors edit) changed the text of message `target` (a history id) to
   * `text`. `room` for a room message; for a direct message `to` is its addressee and `author` its
   * sender. Live only: the store updates the original row; the audience is the room or both sides.
   */
  | (EventBase & { readonly kind: 'edit'; readonly target: number; readonly room?: string; readonly to?: string; readonly author: string; readonly name: string; readonly text: string })
  /** `name` (the author, a room operator or an administrator) deleted message `target` by `author`; fields as for `edit`. */
  | (EventBase & { readonly kind: 'delete'; readonly target: number; readonly room?: string; readonly to?: string; readonly author: string; readonly name: string })
  /** `name` is typing (`active`), stopped for a while (`paused`) or gave up (`done`) in `room` or to `to`; never stored. */
  | (EventBase & { readonly kind: 'typing'; readonly room?: string; readonly to?: string; readonly name: string; readonly state: TypingState })
  | (EventBase & { readonly kind: 'closing' });

/** Typing states, as IRCv3 `+typing` names them. */
export type TypingState = 'active' | 'paused' | 'done';

/** Where someone types: a room, or a direct conversation with the member `to`. */
export type TypingTarget = { readonly room: string } | { readonly to: string };

/**
 * A message found by its history id, for the rules of editing and deleting (ChatOptions.messages):
 * a room message (`room`) or a direct message (`to`), its author's name and account (when signed in),
 * and whether it is deleted already.
 */
export interface FoundMessage {
  readonly id: number;
  readonly kind: 'message' | 'dm';
  readonly room?: string;
  readonly name: string;
  readonly to?: string;
  readonly account?: string;
  readonly deleted: boolean;
}

/** Where the chat looks up a message by id (server.ts: the history store's get()). */
export interface MessageLookup {
  find(id: number): Promise<FoundMessage | undefined>;
}

/** A receiver of every chat event; a door registers one and fans out to its own members. */
export type ChatListener = (event: ChatEvent) => void;

/** Distributive omit, so each event variant keeps its own fields. */
export type NewChatEvent = ChatEvent extends infer E ? (E extends ChatEvent ? Omit<E, 'id' | 'at'> : never) : never;

/** The room every member can find: the seeds' room. */
export const LOBBY = '#lobby';
