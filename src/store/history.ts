// The history store interface: chat events kept across restarts, per room and per conversation, with paging and search.
import type { ChatEvent, FoundMessage, RoomModes } from '../core/chat/types.js';

/** Kinds of stored rows. A quit or rename is kept as one `leave`/`rename` row per room it touched. */
export type StoredKind = 'join' | 'leave' | 'message' | 'dm' | 'topic' | 'announce' | 'file' | 'rename';

/** A chat event as stored and replayed: plain data, no member objects. */
export interface StoredEvent {
  /** The store's own id: increases across restarts; the `before` cursor of paging. */
  readonly id: number;
  /** When it happened, ms since the epoch. */
  readonly at: number;
  readonly kind: StoredKind;
  /** The room (`#name` as created) for room events; absent for direct messages and announcements. */
  readonly room?: string;
  /** Who: the member for join/leave/message/dm/topic/rename, the uploader (if known) for file. */
  readonly name?: string;
  /** Direct messages: the addressee. Rename: the new name. */
  readonly to?: string;
  /** Message, direct message, announcement or topic text. */
  readonly text?: string;
  /** File notices: library path and size in bytes. */
  readonly path?: string;
  readonly size?: number;
  /** Leave rows: `part`, or why the member left the server (quit, timeout, disconnect, shutdown). */
  readonly reason?: string;
  /** A message or direct message sent as an IRC NOTICE (named so, not `notice`: the wire's `notice` is the rendered text). */
  readonly asNotice?: boolean;
  /** A message or direct message its author edited: when (ms) the last edit was; `text` is the edited text. */
  readonly edited?: number;
  /** A deleted message or direct message: a tombstone (`text` ''), kept so paging does not shift; never found by search. */
  readonly deleted?: true;
}

/**
 * Whose history: a room (by name, any case), or the conversation between two members (by name, any
 * case), from `since` on (ms; the reader's own cut: an account reads its conversations from its creation).
 */
export type HistoryTarget = { readonly room: string } | { readonly between: readonly [string, string]; readonly since?: number };

/** What a searcher may read: rooms by name (any case), and the direct messages of one name. */
export interface SearchScope {
  readonly rooms: readonly string[];
  /** Direct messages to or from this name are included. */
  readonly member?: string;
  /** ...from this time on (ms): see HistoryTarget's `since`. */
  readonly memberSince?: number;
}

/** A room as persisted: created by joining, kept with its topic and modes. */
export interface StoredRoom {
  readonly name: string;
  readonly topic: string;
  readonly topicBy: string | null;
  readonly topicAt: number | null;
  readonly createdAt: number;
  readonly modes: RoomModes;
  /** The folded account name of the room's creator, when signed in (operator whenever present). */
  readonly founder?: string | null;
}

/** One conversation of a member, for a sidebar: the other side and the newest message. */
export interface ConversationSummary {
  /** The other member's name as last seen. */
  readonly with: string;
  readonly lastId: number;
  readonly lastAt: number;
}

/**
 * Where chat events are kept. Implementations: src/store/sqlite.ts (embedded default) and
 * src/engine/store/postgres/ (`--database`). Writes are synchronous calls that queue (the chat's hot
 * path never waits); reads are async, since a networked store answers over the network.
 */
export interface HistoryStore {
  /**
   * Keep one event (`closing`, `mode`, `invite`, `away` and `typing` are not history). An `edit` or
   * `delete` updates the row of the message it names (its text and `edited`, or the tombstone) and
   * returns null. Returns the stored form of the event's first row, or null if nothing was kept. An event that came from another node
   * (`event.remote`) was stored by that node: it is not stored again, only remembered for storedOf
   * under the id the other node gave it.
   */
  append(event: ChatEvent): StoredEvent | null;
  /**
   * The message or direct message stored under `id` (deleted ones too, with `deleted` set), for the
   * rules of editing and deleting; undefined for no such row or another kind. Sees rows still queued.
   */
  get(id: number): Promise<FoundMessage | undefined>;
  /** The stored form of `event` if it is the one appended last (so a door can give the same id). */
  storedOf(event: ChatEvent): StoredEvent | undefined;
  /** The most recent `limit` events of a room (announcements included) or conversation, oldest first. */
  recent(target: HistoryTarget, limit: number): Promise<StoredEvent[]>;
  /** The `limit` events just before id `before` (exclusive), oldest first: the page above what is shown. */
  page(target: HistoryTarget, before: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Full-text search of messages, direct messages and announcements within `scope`, newest first,
   * at most `limit`, older than `before` when given. The query is words (any language); it never
   * throws on odd input (quotes, operators): that is text to look for.
   */
  search(query: string, scope: SearchScope, limit: number, before?: number): Promise<StoredEvent[]>;
  /** The conversations `name` has had (with a message from `since` on, when given), newest first. */
  conversations(name: string, limit: number, since?: number): Promise<ConversationSummary[]>;
  /** Every persisted room. */
  rooms(): StoredRoom[];
  /** Create or update a room's row (topic, modes). */
  saveRoom(room: StoredRoom): void;
  /** Apply retention now (count per room and conversation, and age); also runs by itself. */
  prune(): void;
  /** Release the database. */
  close(): void;
}
