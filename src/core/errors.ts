// Domain errors with stable codes; each door maps them to its wire format in one place.

/** Every error code the core can raise. Codes are stable: clients and tests match on them. */
export type ErrorCode =
  | 'BAD_NAME'
  | 'RESERVED_NAME'
  | 'NAME_TAKEN'
  | 'NOT_IN_ROOM'
  | 'ALREADY_IN_ROOM'
  | 'EMPTY_MESSAGE'
  | 'MESSAGE_TOO_LONG'
  | 'BAD_MESSAGE'
  | 'RATE_LIMITED'
  | 'BAD_REQUEST'
  | 'BAD_PATH'
  | 'OUTSIDE_ROOT'
  | 'HIDDEN_PATH'
  | 'NOT_FOUND'
  | 'EMPTY_LIBRARY'
  | 'NOT_A_FILE'
  | 'NOT_A_DIRECTORY'
  | 'ALREADY_EXISTS'
  | 'NOT_EMPTY'
  | 'TOO_LARGE'
  | 'DISK_FULL'
  | 'PERMISSION_DENIED'
  | 'UPLOAD_ABORTED'
  | 'IO_ERROR'
  | 'SERVER_CLOSING'
  | 'TOO_MANY_MEMBERS'
  | 'BAD_ROOM'
  | 'NO_SUCH_ROOM'
  | 'NO_SUCH_MEMBER'
  | 'INVITE_ONLY'
  | 'BAD_KEY'
  | 'ROOM_FULL'
  | 'TOO_MANY_ROOMS'
  | 'NOT_OPERATOR'
  | 'MODERATED'
  | 'BAD_CREDENTIALS'
  | 'BAD_PASSWORD'
  | 'NAME_RESERVED'
  | 'ACCOUNTS_ONLY'
  | 'NO_SUCH_ACCOUNT'
  | 'NOT_SIGNED_IN'
  | 'BANNED'
  | 'MUTED'
  | 'BAD_INVITATION'
  /** A networked store (PostgreSQL) cannot be reached: try again later. */
  | 'STORE_UNAVAILABLE';

/** An expected failure with a stable `code`; `message` is English, doors may localise by code. */
export class NetroomError extends Error {
  readonly code: ErrorCode;
  readonly params: Readonly<Record<string, string | number>>;

  constructor(code: ErrorCode, message: string, params: Record<string, string | number> = {}) {
    super(message);
    this.name = 'NetroomError';
    this.code = code;
    this.params = params;
  }
}

/** True for errors raised on purpose by the core (as opposed to bugs). */
export function isNetroomError(err: unknown): err is NetroomError {
  return err instanceof NetroomError;
}

/** Map a Node.js system error from the file system to a NetroomError with a clear code. */
export function fromSystemError(err: unknown, path: string): NetroomError {
  if (isNetroomError(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new NetroomError('NOT_FOUND', `no such file or folder: ${path}`, { path });
    case 'EISDIR':
      return new NetroomError('NOT_A_FILE', `is a folder, not a file: ${path}`, { path });
    case 'ENOTDIR':
      return new NetroomError('NOT_A_DIRECTORY', `not a folder: ${path}`, { path });
    case 'EEXIST':
      return new NetroomError('ALREADY_EXISTS', `already exists: ${path}`, { path });
    case 'ENOTEMPTY':
      // A conflict like EEXIST (HTTP 409, FTP 550), but its own code: a client removing a folder
      // must be able to tell "empty it first" from a name clash.
      return new NetroomError('NOT_EMPTY', `folder not empty: ${path}`, { path });
    case 'ENOSPC':
    case 'EDQUOT':
      return new NetroomError('DISK_FULL', `no space left on the server's disk for ${path}`, { path });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new NetroomError('PERMISSION_DENIED', `permission denied: ${path}`, { path });
    case 'ENAMETOOLONG':
      return new NetroomError('BAD_PATH', `name too long: ${path}`, { path });
    default:
      return new NetroomError('IO_ERROR', `i/o error on ${path}: ${code ?? String(err)}`, { path });
  }
}
