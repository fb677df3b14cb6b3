// PASS (RFC 959 4.1.1): any password for anonymous; an account's is checked against the access store (login.ts).
import { signIn, signInAnonymous } from '../login.js';
import type { CommandHandler } from './types.js';

export const pass: CommandHandler = {
  beforeLogin: true,
  arg: 'optional',
  help: 'PASS <password>',
  async run(s, arg) {
    // --ftp-require-tls: no password in clear (a server policy RFC 4217 allows).
    if (s.options.requireTls && s.tlsContext === null) return s.reply(530, 'TLS required: send AUTH TLS first');
    if (s.loggedIn) return s.reply(230, 'Already logged in');
    if (s.user === null) return s.reply(503, 'Send USER first');
    if (s.anonymous) return signInAnonymous(s);
    // RFC 959 lets the password hold spaces: the whole argument is the password.
    return signIn(s, arg);
  },
};
