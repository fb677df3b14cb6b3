// NOTICE: to #lobby it is said like PRIVMSG, or announced when an operator (OPER admin) sends it.
import { speak } from './speak.js';
import { command } from './types.js';

export const NOTICE = command((hub, session, message) => speak(hub, session, message, 'NOTICE'));
