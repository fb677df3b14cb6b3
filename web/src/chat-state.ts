// What the UI knows about the chat connection: rooms and conversations, their logs, options and limits (the client is chat.ts).
import type { ChatItem } from './chat-items.js';
import type { FileFates } from './file-fates.js';
import type { LibraryChange, MaxMessageLength, WireAccount, WireError, WireEvent, WireRestriction, WireRoom } from './protocol.js';

/** idle: not in the chat; connecting: entering; in: a member; reconnecting: lost the socket, re-entering. */
export type ChatStatus = 'idle' | 'connecting' | 'in' | 'reconnecting';

/** A room we are in, or a direct-message conversation with one member. */
export interface Conversation {
  /** `room:NAME` or `dm:NAME`, lower-cased: how the sidebar and the client find it. */
  readonly key: string;
  readonly kind: 'room' | 'dm';
  /** The room as created (`#dev`), or the other member's name. */
  readonly name: string;
  /** Rooms: the topic ('' when none). */
  readonly topic: string;
  /** Rooms: who is in it now. Conversations: both sides. */
  readonly members: readonly string[];
  /** Rooms: who may moderate it (its operators and the administrators in it), once the server said. */
  readonly ops?: readonly string[];
  /** The log, oldest first. */
  readonly items: readonly ChatItem[];
  /** Messages, direct messages and file notices that arrived while it was not on screen. */
  readonly unread: number;
  /** Older history may exist above the first line (ask with `history` before the first id). */
  readonly more: boolean;
  /** A history answer is on its way. */
  readonly loading: boolean;
  /** Its history has been asked for once (conversations load theirs when first opened). */
  readonly loaded: boolean;
}

/** The search box's state: the query asked, and its answer (newest first) once it came. */
export interface SearchState {
  readonly query: string;
  readonly results: readonly WireEvent[] | null;
  readonly error: WireError | null;
}

/** Everything the UI renders about the chat; replaced (never mutated) on every change. */
export interface ChatState {
  readonly status: ChatStatus;
  /** Our name once entered (as the server spelled it). */
  readonly name: string | null;
  /** Rooms (in the order joined) and conversations (in the order started). */
  readonly convs: readonly Conversation[];
  /** The key of the conversation on screen, if any. */
  readonly current: string | null;
  /** The room most recently on screen: uploads share into it. */
  readonly lastRoom: string | null;
  /** Why entering was refused (shown on the name form). */
  readonly enterError: WireError | null;
  /** Why the last message could not go (shown under the composer until the next send or its cause is gone). */
  readonly sayError: WireError | null;
  /** Why the last join, part or topic request was refused (shown in the sidebar). */
  readonly roomError: WireError | null;
  /** The rooms one may join, once asked for (`rooms`); null when the list is closed. */
  readonly directory: readonly WireRoom[] | null;
  /** The last search, until closed. */
  readonly search: SearchState | null;
  /** A search result to show: the id of its line, scrolled to once the log has it. */
  readonly highlight: number | null;
  /** Files named by notices in the logs that were deleted or moved since. */
  readonly fates: FileFates;
  /** The account the chat connection is signed in as (from `welcome`; null: a guest). */
  readonly account: WireAccount | null;
  /** Removed from the server by a moderator (KICKED, BANNED): shown as a banner; no reconnecting. */
  readonly removed: WireError | null;
  /** The last moderation request: done (its type) or refused. */
  readonly moderation: { readonly done: string | null; readonly error: WireError | null };
  /** The bans and mutes asked for (`restrictions`), and of which room (null: all); null when the list is closed. */
  readonly restrictions: { readonly room: string | null; readonly list: readonly WireRestriction[] | null } | null;
}

/** Limits and timings; every one has a default. */
export interface ChatOptions {
  url?: string;
  /** Lines kept per conversation as new ones arrive (older pages asked for are kept too). Default 500. */
  maxItems?: number;
  /** First reconnect delay, doubled up to maxDelayMs. Defaults 500 and 8000 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `who` every keepaliveMs; no answer within deadMs means a dead connection. Defaults 25 s and 10 s. */
  keepaliveMs?: number;
  deadMs?: number;
}

/** A library change as it happens; null when changes may have been missed (a new connection): list again. */
export type LibraryListener = (change: LibraryChange | null) => void;

/** Before entering (and after leaving): nothing shown, nothing wrong. */
export const INITIAL_CHAT: ChatState = {
  status: 'idle',
  name: null,
  convs: [],
  current: null,
  lastRoom: null,
  enterError: null,
  sayError: null,
  roomError: null,
  directory: null,
  search: null,
  highlight: null,
  fates: new Map(),
  account: null,
  removed: null,
  moderation: { done: null, error: null },
  restrictions: null,
};

/** The room everyone starts in. */
export const LOBBY = '#lobby';

/** The room's limit, typed against the server's constant so a change there fails `tsc -p web`. */
export const MAX_MESSAGE: MaxMessageLength = 2000;

/** The conversation on screen. */
export function currentConv(state: ChatState): Conversation | undefined {
  return state.current === null ? undefined : state.convs.find((c) => c.key === state.current);
}

/** Unread lines over every conversation (for the page title and the phone's sidebar toggle). */
export function totalUnread(state: ChatState): number {
  return state.convs.reduce((sum, c) => sum + c.unread, 0);
}
