// The Chat's options, defaults and the interface of where rooms persist.
import type { Access } from '../access/access.js';
import type { FloodLimit } from '../limits.js';
import type { MessageLookup, RoomModes } from './types.js';

/** Who may create rooms: any member by joining (`open`), or administrators only (`admin`). */
export type RoomPolicy = 'open' | 'admin';

/** Where rooms persist (the history store implements it). */
export interface RoomKeeper {
  rooms(): readonly KeptRoom[];
  saveRoom(room: KeptRoom): void;
}

/** A room as persisted. `founder` is the folded account name of its creator, when signed in: operator whenever present. */
export interface KeptRoom {
  name: string;
  topic: string;
  topicBy: string | null;
  topicAt: number | null;
  createdAt: number;
  modes: RoomModes;
  founder?: string | null;
}

/** Options of a Chat; every limit has a default. */
export interface ChatOptions {
  /** Flood control per member, across rooms and direct messages; null turns it off. Default 10/s, bursts of 20. */
  flood?: FloodLimit | null;
  /** Who may create rooms. Default `open`. */
  rooms?: RoomPolicy;
  /** Rooms one member may be in at once (ISUPPORT CHANLIMIT). Default 50. */
  maxRoomsPerMember?: number;
  /** Rooms that may exist. Default 10,000. */
  maxRooms?: number;
  /** Longest topic (ISUPPORT TOPICLEN). Default 390. */
  maxTopicLength?: number;
  /**
   * Accounts (their names are reserved), the guest policy, bans and mutes. Absent: no accounts,
   * guests on, nothing banned (unit tests, and every door before issue 12).
   */
  access?: Access;
  /**
   * Where editMessage and deleteMessage find the message by its history id (server.ts: the history
   * store). Absent: every edit and delete is NOT_FOUND.
   */
  messages?: MessageLookup;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Where a listener's exception goes (a door bug); default stderr, the chat goes on. */
  onListenerError?: (err: unknown) => void;
}

export const DEFAULT_MAX_ROOMS_PER_MEMBER = 50;
export const DEFAULT_MAX_ROOMS = 10_000;
export const DEFAULT_MAX_TOPIC_LENGTH = 390;
