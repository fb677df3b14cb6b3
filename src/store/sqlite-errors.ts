// One-line reasons for failures to open the SQLite history, for `netroom serve` to print.

/** Why the history database could not be opened, in words a person running the server can act on. */
export function describeOpenError(err: unknown): string {
  const raw = (err as { code?: unknown } | undefined)?.code;
  // better-sqlite3 reports extended codes (SQLITE_BUSY_RECOVERY, SQLITE_CANTOPEN_ISDIR): use the primary one.
  const code = typeof raw === 'string' && raw.startsWith('SQLITE_') ? raw.split('_', 2).join('_') : raw;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission denied (is --data writable?)';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'the --data path is not a folder';
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return 'no space left on the disk';
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return 'the file is not a SQLite database or is corrupt (move it aside to start a new history)';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'it is in use by another process (another netroom serve with the same --data?)';
    case 'SQLITE_CANTOPEN':
      return 'the file cannot be opened (is --data a writable folder?)';
    case 'SQLITE_READONLY':
      return 'the file is read-only';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * A synchronous read as the interface's promise: answered at once (the read ran before this
 * returns, after the queued writes), and a throw becomes a rejection, as from a networked store.
 */
export function answered<T>(read: () => T): Promise<T> {
  try {
    return Promise.resolve(read());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
