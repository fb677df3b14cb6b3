// The shape of a command handler and its entry in the dispatch map.
import type { IrcMessage } from '../codec.js';
import type { IrcHub } from '../hub.js';
import type { IrcSession } from '../session.js';

/**
 * Runs one verb for one client; may throw only on a bug (the hub catches, logs and tells the client).
 * A command that awaits the history store returns the promise: until it settles the connection's
 * next lines wait, and it sends its reply inside `session.respond` (see awaited.ts).
 */
export type CommandHandler = (hub: IrcHub, session: IrcSession, message: IrcMessage) => void | Promise<void>;

/** A verb's entry: its handler, the parameters it needs (461 below that), and whether it works before 001. */
export interface CommandSpec {
  readonly handler: CommandHandler;
  readonly minParams: number;
  readonly beforeRegistration: boolean;
}

/** Declare a command; by default it needs registration and no parameters. */
export function command(handler: CommandHandler, options: Partial<Omit<CommandSpec, 'handler'>> = {}): CommandSpec {
  return { handler, minParams: options.minParams ?? 0, beforeRegistration: options.beforeRegistration ?? false };
}
