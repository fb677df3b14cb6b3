// Types of the WebSocket chat client: its options, the answers it hands back, and the events it emits.
import type { ServerMessage, WireEvent } from '../doors/ws/messages.js';
import type { RoomLost } from './ws-catch-up.js';
import type { WsChatError } from './ws-errors.js';

/** The server message of type `T`. */
export type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** Options of a {@link WsChatClient}; every timing has a default. */
export interface WsChatClientOptions {
  /** The chat endpoint, e.g. `ws://127.0.0.1:8080/ws` (see chatUrl in http.ts). */
  readonly url: URL | string;
  /** Reconnect (and re-enter with the same name) when the connection drops. Default true. */
  readonly reconnect?: boolean;
  /** First reconnect delay (ms); doubled per attempt up to `maxDelayMs`. Default 250. */
  readonly initialDelayMs?: number;
  /** Longest reconnect delay (ms). Default 8000. */
  readonly maxDelayMs?: number;
  /** Reconnect attempts before giving up. Default 10 (about a minute). */
  readonly maxAttempts?: number;
  /** How long to wait for a connection or an answer (ms). Default 10000. */
  readonly timeoutMs?: number;
  /** Ping the server this often (ms) and treat a missing pong by the next ping as a dead connection; 0: off. Default 20000. */
  readonly pingIntervalMs?: number;
  /** A bearer token sent with the upgrade (`Authorization: Bearer`): the connection is signed in as its account. */
  readonly token?: string;
}

/** The `welcome` answer: the name we have, who is in #lobby, its recent history, the resume token, our rooms. */
export type Welcome = Msg<'welcome'>;
/** The `joined` answer: the room, its members and recent history. */
export type Joined = Msg<'joined'>;
/** A page of history: oldest first; `more` when older events exist. */
export type HistoryPage = Msg<'history'>;
/** A refusal the server sent that answers no pending call (e.g. a `say` over the flood limit). */
export type ServerError = Msg<'error'>;
/** Where a line goes: a room, or privately to a member. */
export type SayTarget = { readonly room: string } | { readonly to: string };
/** Whose history: a room, or the conversation with a member. */
export type HistoryTarget = { readonly room: string } | { readonly with: string };

/** Events of a {@link WsChatClient}. */
export interface WsChatClientEvents {
  /** Something happened in a room we are in, or a direct message to or from us. */
  event: [event: WireEvent];
  /** The server refused something fire-and-forget (a `say`, a `topic`). */
  refused: [error: ServerError];
  /** The connection dropped; the next attempt comes after `delayMs`. */
  reconnecting: [info: { attempt: number; delayMs: number; reason: string }];
  /**
   * Back under the same name. `missed`: events after the last one seen, in the rooms we are in and
   * our conversations, oldest first. `lost`: rooms we were in that we could not join again (after a
   * server restart the server no longer has us in them, so the client joins them again).
   */
  reconnected: [welcome: Welcome, missed: WireEvent[], lost: RoomLost[]];
  /**
   * The session is over for good: reconnecting failed or was refused, the connection dropped with
   * reconnect off, or a moderator removed us (code KICKED or BANNED, the server's reason as message).
   */
  lost: [error: WsChatError];
}
