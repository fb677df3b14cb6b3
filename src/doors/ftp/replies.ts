// The one place where core errors become FTP replies (RFC 959 4.2.1 codes).
import type { NetroomError } from '../../core/errors.js';

/** What the failing command was doing: the same error code gets a different reply for an upload. */
export type ErrorContext = 'file' | 'upload';

/** An FTP reply: code and one line of text. */
export interface Reply {
  readonly code: number;
  readonly text: string;
}

/**
 * Map a core error to a reply. 550 is "not available" (missing, refused, a folder where a file is
 * needed), 553 a file name not allowed for storing, 552 the size limit, 452 a full disk, 450 a
 * transient clash worth retrying, 451 a local failure, 501 bad arguments, 554 a REST offset beyond
 * what the server has (RFC 3659 5.5), 421 the server shutting down, 530 "not logged in" for what
 * only a signed-in account (or one not banned) may do.
 */
export function errorReply(err: NetroomError, context: ErrorContext): Reply {
  const upload = context === 'upload';
  switch (err.code) {
    case 'NOT_FOUND':
    case 'NOT_A_FILE':
    case 'NOT_A_DIRECTORY':
    case 'PERMISSION_DENIED':
    case 'EMPTY_LIBRARY':
      return { code: 550, text: err.message };
    case 'OUTSIDE_ROOT':
    case 'HIDDEN_PATH':
    case 'BAD_PATH':
    case 'ALREADY_EXISTS':
      return { code: upload ? 553 : 550, text: err.message };
    case 'TOO_LARGE':
      return { code: 552, text: err.message };
    case 'DISK_FULL':
      return { code: 452, text: err.message };
    case 'UPLOAD_ABORTED':
    case 'RATE_LIMITED':
      return { code: 450, text: err.message };
    case 'BAD_REQUEST':
      return { code: 'restart' in err.params ? 554 : 501, text: err.message };
    case 'SERVER_CLOSING':
      return { code: 421, text: err.message };
    case 'ACCOUNTS_ONLY':
    case 'NOT_SIGNED_IN':
    case 'BANNED':
      return { code: 530, text: err.message };
    case 'IO_ERROR':
      return { code: 451, text: err.message };
    default:
      return { code: 550, text: err.message };
  }
}
