// PASS before registration: `account:password` (or a bare password for the account holding the nick) signs in at registration.
import { ERR } from '../numerics.js';
import { command } from './types.js';

export const PASS = command(
  (_hub, session, message) => {
    if (session.member) {
      session.reply(ERR.ALREADYREGISTERED, 'You may not reregister');
      return;
    }
    // Kept until NICK and USER are in (sign-in.ts signInWithPass); a later PASS replaces it (RFC 2812 3.1.1).
    session.password = message.params[0] ?? '';
  },
  { minParams: 1, beforeRegistration: true },
);
