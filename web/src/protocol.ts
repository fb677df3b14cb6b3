// The server's wire types, imported (types only) from the server source so the UI and server cannot drift.
import type { CLOSE_CODES, ClientMessage, ServerMessage, WireAccount, WireEvent, WireRestriction, WireRoom } from '../../src/doors/ws/messages.js';
import type { Entry } from '../../src/core/library.js';
import type { LibraryChange } from '../../src/core/library-events.js';
import type { MAX_MESSAGE_LENGTH as CORE_MAX_MESSAGE } from '../../src/core/chat/message.js';

export type { TypingState } from '../../src/core/chat/types.js';

// ServerMessage includes `library` (a LibraryChange), sent to every /ws connection, entered or not.
export type { ClientMessage, LibraryChange, ServerMessage, WireAccount, WireEvent, WireRestriction, WireRoom };

/** The WebSocket close codes the server uses (4000: another connection resumed this member; 4003: removed by a moderator). */
export type CloseCodes = typeof CLOSE_CODES;

/** The longest message the room takes, in characters (code points). */
export type MaxMessageLength = typeof CORE_MAX_MESSAGE;

/** One entry of `GET /api/files` (the Library's listing). */
export type FileEntry = Entry;

/** The answer to a completed `PUT /files/PATH`. */
export interface UploadResult {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** An error as the HTTP API and the WebSocket door report it: a stable code and an English message. */
export interface WireError {
  readonly code: string;
  readonly message: string;
}
