// USER: username and real name, both `USER name 0 * :Real Name` and the bare `USER name 0 * Real` form.
import { ERR } from '../numerics.js';
import { command } from './types.js';

/** Longest username kept in `nick!user@host` (RFC 2812 leaves it to the server; 10 is usual). */
const USER_LENGTH = 10;
/** Longest real name kept (WHO and WHOIS lines must stay under 512 bytes). */
const REALNAME_LENGTH = 100;

/** A username safe in a source mask: ASCII letters, digits, `.`, `_`, `-`; never empty. */
export function cleanUser(raw: string): string {
  const user = raw.replace(/[^A-Za-z0-9._-]/gu, '').slice(0, USER_LENGTH);
  return user === '' ? 'user' : user;
}

export const USER = command(
  (hub, session, message) => {
    if (session.member || session.userGiven) {
      session.reply(ERR.ALREADYREGISTERED, 'You may not reregister');
      return;
    }
    const [user = ''] = message.params;
    // RFC 2812 3.1.3: four parameters, none of them empty (modern.ircdocs.horse: 461 otherwise).
    if (user === '' || message.params.slice(3).join('') === '') {
      session.reply(ERR.NEEDMOREPARAMS, 'USER', 'Not enough parameters');
      return;
    }
    session.user = cleanUser(user);
    // Clients that omit the `:` send the real name's words as separate parameters: join them back.
    // eslint-disable-next-line no-control-regex -- control characters have no place in a real name
    session.realname = [...message.params.slice(3).join(' ').replace(/[\x00-\x1f\x7f]/gu, '')].slice(0, REALNAME_LENGTH).join('');
    session.userGiven = true;
    hub.tryRegister(session);
  },
  { minParams: 4, beforeRegistration: true },
);
