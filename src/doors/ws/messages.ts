// The WebSocket chat protocol (`GET /ws`): JSON, one object per frame, each with a `type`.
// Shared by the server door, the terminal client and the web UI; see docs in README "WebSocket chat".
import type { LibraryChange } from '../../core/library-events.js';
import type { RoomModes, TypingState } from '../../core/chat/types.js';
import type { ConversationSummary, StoredEvent, StoredKind } from '../../store/history.js';

/**
 * A chat event on the wire: the stored fields (`room` for room events; `name`/`to` for direct
 * messages) plus `notice`, the text rendered in the server's language. Live events that are not
 * history (`closing`, `mode`, `invite`, `away`, `moderation`, `edit`, `delete`, `typing`) have id 0;
 * `mode` carries the change in `text`. `edit`/`delete` name the message changed in `target` (its
 * history id) and its writer in `author` (`name` is who changed it); the stored message then carries
 * `edited` or `deleted`. A member leaving the server arrives as one `leave` per room it was in
 * (`reason` says why).
 */
export type WireEvent = Omit<StoredEvent, 'kind'> & {
  readonly kind: StoredKind | 'closing' | 'mode' | 'invite' | 'away' | 'moderation' | 'edit' | 'delete' | 'typing';
  readonly notice: string;
  /** `edit`, `delete`: the id of the message changed (its history id; the event itself has id 0). */
  readonly target?: number;
  /** `edit`, `delete`: who wrote the message (`name` is who edited or deleted it). */
  readonly author?: string;
  /** `typing`: active, paused or done. */
  readonly state?: TypingState;
};

/** A room as listed and joined. */
export interface WireRoom {
  readonly name: string;
  readonly topic: string;
  /** Members in it now. */
  readonly size: number;
  readonly modes: RoomModes;
}

/** Client -> server. Every request that names no room means `#lobby` (old single-room clients). */
export type ClientMessage =
  /** Connect under a name and join #lobby. `name` may be left out by a connection signed in at the
   *  upgrade (session cookie or Bearer secret): the account's name is used. `resume` is the token from a
   *  previous `welcome`: it takes the name back, with no leave and no join seen by anyone, from a
   *  connection of ours (signed in as the same account, or a guest as before) that has not noticed it
   *  is dead yet, or within the leave grace after that connection closed. */
  | { readonly type: 'enter'; readonly name?: string; readonly resume?: string }
  /** Say `text` in `room` (default #lobby), or privately to the member `to`. With `ref` (the client's own
   *  label for this message, 1 to {@link MAX_REF_LENGTH} characters) the server answers `sent` (or an
   *  error carrying the same `ref`); without, a room message gets no answer at all. */
  | { readonly type: 'say'; readonly text: string; readonly room?: string; readonly to?: string; readonly ref?: string }
  /** Join a room (creating it where the server lets members create rooms); `key` for a `+k` room. */
  | { readonly type: 'join'; readonly room: string; readonly key?: string }
  | { readonly type: 'part'; readonly room: string }
  /** Set a room's topic (empty clears it). */
  | { readonly type: 'topic'; readonly room: string; readonly topic: string }
  /** Members of `room`, or everyone connected when no room is given. */
  | { readonly type: 'who'; readonly room?: string }
  /** The rooms one may see, with member counts. */
  | { readonly type: 'rooms' }
  /** A page of history of a room or of the conversation `with` a member: the `limit` (default 50, at most 200) events before id `before` (default: the newest). */
  | { readonly type: 'history'; readonly room?: string; readonly with?: string; readonly before?: number; readonly limit?: number }
  /** Full-text search over what one may read (rooms one is in or that are public, one's own conversations); newest first. */
  | { readonly type: 'search'; readonly query: string; readonly before?: number; readonly limit?: number }
  /** One's direct-message conversations, newest first. */
  | { readonly type: 'conversations' }
  /** Leave the server (every room); the connection stays open and may enter again. */
  | { readonly type: 'leave' }
  /** Remove `name` from `room` (its operators, admins), or from the server when no room is given (admins). */
  | { readonly type: 'kick'; readonly name: string; readonly room?: string; readonly reason?: string }
  /** Ban or mute (`ban`/`mute`) or lift (`unban`/`unmute`) an account, a name, an address or an IRC mask,
   *  in `room` (its operators, admins) or server-wide (admins); `durationMs` absent: for ever. */
  | {
      readonly type: 'ban' | 'mute' | 'unban' | 'unmute';
      readonly kind: 'account' | 'name' | 'address' | 'mask';
      readonly value: string;
      readonly room?: string;
      readonly reason?: string;
      readonly durationMs?: number;
    }
  /** The bans and mutes in force: of `room` (its operators), or all (admins). */
  | { readonly type: 'restrictions'; readonly room?: string }
  /** Change the text of one's own message `id` (its history id). Everyone who can read it gets an `edit` event (you too); no other answer. */
  | { readonly type: 'edit'; readonly id: number; readonly text: string }
  /** Delete message `id`: one's own, any in a room one operates, any (administrators). Everyone who can read it gets a `delete` event. */
  | { readonly type: 'delete'; readonly id: number }
  /** Typing in `room` or to the member `to` (one of them): `active` while typing (at most one every few seconds), `paused`, `done`. Never answered, never refused aloud. */
  | { readonly type: 'typing'; readonly room?: string; readonly to?: string; readonly state: TypingState };

/** Server -> client. */
export type ServerMessage =
  /** First frame on every connection, before entering. */
  | { readonly type: 'hello'; readonly server: 'netroom'; readonly version: string; readonly lang: 'en' | 'zh' }
  /** Entered (into #lobby): your name, who is in #lobby, its recent history (oldest first), a resume token,
   *  `rooms`, every room you are in (a resumed member may be in several), and `account`, the account the
   *  connection is signed in as (null: a guest). */
  | {
      readonly type: 'welcome';
      readonly name: string;
      readonly members: readonly string[];
      readonly history: readonly WireEvent[];
      readonly resume: string;
      readonly rooms: readonly WireRoom[];
      readonly account: WireAccount | null;
    }
  /** Joined a room: the room, its members, its operators (`ops`, a subset of members) and its recent history (oldest first). */
  | { readonly type: 'joined'; readonly room: WireRoom; readonly members: readonly string[]; readonly ops: readonly string[]; readonly history: readonly WireEvent[] }
  /** Answer to `part`. */
  | { readonly type: 'parted'; readonly room: string }
  /** Something happened in a room you are in, or a direct message to or from you (not echoed to its author for join/message/leave). */
  | { readonly type: 'event'; readonly event: WireEvent }
  /** Answer to a `say` with a `ref`: the message was said, and `id` is the id everyone else sees on
   *  its event (its history id, the one `edit` and `delete` take; 0 if the server keeps no history of
   *  it), `at` its time. The author of a room message gets no event for it: this is how it learns the
   *  id. For a direct message it comes as well as the sender's copy of the event (before it). */
  | { readonly type: 'sent'; readonly ref: string; readonly id: number; readonly at: number }
  /** The library changed (any door): sent to every connection from `hello` on, entered or not. */
  | { readonly type: 'library'; readonly change: LibraryChange }
  /** Answer to `who`: `room` and its operators (`ops`) when a room was asked about. */
  | { readonly type: 'members'; readonly members: readonly string[]; readonly room?: string; readonly ops?: readonly string[] }
  /** Answer to `rooms`. */
  | { readonly type: 'rooms'; readonly rooms: readonly WireRoom[] }
  /** Answer to `history`: oldest first; `more` is true when older events exist (ask again with `before` = the first id). */
  | { readonly type: 'history'; readonly room?: string; readonly with?: string; readonly events: readonly WireEvent[]; readonly more: boolean }
  /** Answer to `search`: newest first. */
  | { readonly type: 'results'; readonly query: string; readonly events: readonly WireEvent[] }
  /** Answer to `conversations`. */
  | { readonly type: 'conversations'; readonly conversations: readonly ConversationSummary[] }
  /** Answer to `leave` (the member leaves at once); the connection stays open and may enter again. */
  | { readonly type: 'left' }
  /** Answer to `kick`, `ban`, `mute`, `unban`, `unmute`: done (everyone concerned also hears an event). */
  | { readonly type: 'moderated'; readonly about: 'kick' | 'ban' | 'mute' | 'unban' | 'unmute' }
  /** Answer to `restrictions`. */
  | { readonly type: 'restrictions'; readonly restrictions: readonly WireRestriction[] }
  /** A refused request: stable `code` (NAME_TAKEN, RATE_LIMITED, BAD_REQUEST, NO_SUCH_ROOM, NAME_RESERVED,
   *  ACCOUNTS_ONLY, BANNED, MUTED, NOT_OPERATOR, ...), English `message`, and `about`, the type of the
   *  client message it answers when known, and `ref`, the `ref` of the refused `say` when it had one.
   *  Also sent, without `about`, as the last frame before a close 4003: code KICKED or BANNED,
   *  `message` the moderator's reason. */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly about?: string; readonly ref?: string };

/** An account as the chat shows it to its owner. */
export interface WireAccount {
  readonly name: string;
  readonly role: 'member' | 'admin';
}

/** A ban or mute as listed. */
export interface WireRestriction {
  readonly id: number;
  readonly type: 'ban' | 'mute';
  /** The room, or null: server-wide. */
  readonly room: string | null;
  readonly kind: 'account' | 'name' | 'address' | 'mask';
  readonly value: string;
  readonly reason: string;
  readonly by: string;
  readonly createdAt: number;
  /** Ends at (ms), or null: for ever. */
  readonly until: number | null;
}

/** Largest frame the server accepts, in bytes (a 2000-character message is at most ~8 KB of UTF-8). */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Longest `ref` of a `say`, in characters (UTF-16 units). */
export const MAX_REF_LENGTH = 64;

/** Largest history page and search answer. */
export const MAX_PAGE = 200;

/**
 * WebSocket close codes the server uses (RFC 6455 7.4.1, and 4000 from the private range):
 * 1001 the server is closing; 1008 policy (too many invalid frames, or too slow to read);
 * 1009 a frame over {@link MAX_FRAME_BYTES}; 4000 another connection resumed this member with
 * its token (a client must NOT reconnect on 4000, or two tabs would take the name back and forth);
 * 4003 a moderator removed the member from the server (kicked or banned: do not reconnect on 4003 either).
 */
export const CLOSE_CODES = { goingAway: 1001, policy: 1008, tooBig: 1009, takenOver: 4000, removed: 4003 } as const;
