// The shape of one FTP command handler; the dispatch map in index.ts holds one per verb.
import type { FtpSession } from '../session.js';

/** One verb: when it may run, what it needs, and what it does. */
export interface CommandHandler {
  /** Allowed before login (USER, PASS, FEAT, ...). */
  readonly beforeLogin?: boolean;
  /** 'required': a missing argument is answered 501 before run() is called. */
  readonly arg?: 'required' | 'optional';
  /** Changes the library: refused with 550 for a read-only login. */
  readonly writes?: boolean;
  /** How core errors are answered (553 for names refused when storing). Default 'file'. */
  readonly errors?: 'file' | 'upload';
  /** Uses the data connection: when it fails before the transfer starts, the data setup is dropped (the client sets up anew). */
  readonly usesData?: boolean;
  /** Syntax shown by HELP VERB. */
  readonly help: string;
  run(session: FtpSession, arg: string, verb: string): void | Promise<void>;
}
