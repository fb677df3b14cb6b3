// History reads for the doors: a read that fails (the store is down) becomes NetroomError STORE_UNAVAILABLE, which each door maps to its wire.
import type { Logger } from 'pino';
import { NetroomError, isNetroomError } from '../core/errors.js';

/**
 * Await a history read. A NetroomError from the store passes as is (a PostgreSQL store rejects
 * with STORE_UNAVAILABLE itself); anything else (an SQLite I/O error, a dropped connection) is
 * logged and becomes STORE_UNAVAILABLE: not the client's fault, and not a bug of the door.
 */
export async function readStore<T>(log: Pick<Logger, 'warn'>, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isNetroomError(err)) throw err;
    log.warn({ err }, 'history read failed');
    throw new NetroomError('STORE_UNAVAILABLE', 'the chat history is unavailable right now; try again later');
  }
}
