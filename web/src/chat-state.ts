// What the UI knows about the chat connection: its state, options and limits (the client is chat.ts).
import type { ChatItem } from './chat-items.js';
import type { FileFates } from './file-fates.js';
import type { LibraryChange, MaxMessageLength, WireError } from './protocol.js';

/** idle: not in the room; connecting: entering; in: a member; reconnecting: lost the socket, re-entering. */
export type ChatStatus = 'idle' | 'connecting' | 'in' | 'reconnecting';

/** Everything the UI renders about the chat; replaced (never mutated) on every change. */
export interface ChatState {
  readonly status: ChatStatus;
  /** Our name once entered (as the server spelled it). */
  readonly name: string | null;
  readonly members: readonly string[];
  readonly items: readonly ChatItem[];
  /** Why entering was refused (shown on the name form). */
  readonly enterError: WireError | null;
  /** Why the last message could not go (shown under the composer until the next send or its cause is gone). */
  readonly sayError: WireError | null;
  /** Files named by notices in the log that were deleted or moved since. */
  readonly fates: FileFates;
}

/** Limits and timings; every one has a default. */
export interface ChatOptions {
  url?: string;
  /** Lines kept in the log. Default 500. */
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
  members: [],
  items: [],
  enterError: null,
  sayError: null,
  fates: new Map(),
};

/** The room's limit, typed against the server's constant so a change there fails `tsc -p web`. */
export const MAX_MESSAGE: MaxMessageLength = 2000;
