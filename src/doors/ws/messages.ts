// The WebSocket chat protocol (`GET /ws`): JSON, one object per frame, each with a `type`.
// Shared by the server door, the terminal client and the web UI; see docs in README "WebSocket chat".
import type { LibraryChange } from '../../core/library-events.js';
import type { StoredEvent } from '../../store/history.js';

/** A room event on the wire: the stored fields plus `notice`, the text rendered in the server's language. */
export type WireEvent = (StoredEvent | (Omit<StoredEvent, 'kind'> & { readonly kind: 'closing' })) & {
  readonly notice: string;
};

/** Client -> server. */
export type ClientMessage =
  /** Enter the room. `resume` is the token from a previous `welcome`: it takes the name back, with
   *  no leave and no join seen by anyone, from a connection of ours that has not noticed it is dead
   *  yet, or within the leave grace after that connection closed (reload, network blip). */
  | { readonly type: 'enter'; readonly name: string; readonly resume?: string }
  | { readonly type: 'say'; readonly text: string }
  | { readonly type: 'who' }
  | { readonly type: 'leave' };

/** Server -> client. */
export type ServerMessage =
  /** First frame on every connection, before entering. */
  | { readonly type: 'hello'; readonly server: 'netroom'; readonly version: string; readonly lang: 'en' | 'zh' }
  /** Entered: your name, who is here, recent history (oldest first), and a resume token. */
  | {
      readonly type: 'welcome';
      readonly name: string;
      readonly members: readonly string[];
      readonly history: readonly WireEvent[];
      readonly resume: string;
    }
  /** Something happened in the room (not echoed to its author for join/message/leave). */
  | { readonly type: 'event'; readonly event: WireEvent }
  /** The library changed (any door): sent to every connection from `hello` on, entered or not. */
  | { readonly type: 'library'; readonly change: LibraryChange }
  /** Answer to `who`. */
  | { readonly type: 'members'; readonly members: readonly string[] }
  /** Answer to `leave` (the member leaves at once); the connection stays open and may enter again. */
  | { readonly type: 'left' }
  /** A refused request: stable `code` (NAME_TAKEN, RATE_LIMITED, BAD_REQUEST, ...), English `message`,
   *  and `about`, the type of the client message it answers when known. */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly about?: string };

/** Largest frame the server accepts, in bytes (a 2000-character message is at most ~8 KB of UTF-8). */
export const MAX_FRAME_BYTES = 16 * 1024;

/**
 * WebSocket close codes the server uses (RFC 6455 7.4.1, and 4000 from the private range):
 * 1001 the server is closing; 1008 policy (too many invalid frames, or too slow to read);
 * 1009 a frame over {@link MAX_FRAME_BYTES}; 4000 another connection resumed this member with
 * its token (a client must NOT reconnect on 4000, or two tabs would take the name back and forth).
 */
export const CLOSE_CODES = { goingAway: 1001, policy: 1008, tooBig: 1009, takenOver: 4000 } as const;
