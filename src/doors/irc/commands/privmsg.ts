// PRIVMSG: to a room (chat.say) or a nick on any door (chat.dm); CTCP ACTION becomes "/me ..."; formatting codes are removed.
export { PRIVMSG } from './speak.js';
