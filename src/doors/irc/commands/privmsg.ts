// PRIVMSG: a message to #lobby becomes room.say; CTCP ACTION becomes "/me ..."; formatting codes are removed.
import { speak } from './speak.js';
import { command } from './types.js';

export const PRIVMSG = command((hub, session, message) => speak(hub, session, message, 'PRIVMSG'));
