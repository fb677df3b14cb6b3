// USER (RFC 959 4.1.1): anonymous/ftp is a guest (per --ftp-anonymous and --guests); any other name waits for PASS.
import { anonymousRefusal, isAnonymousName, plaintextRefusal } from '../login.js';
import type { CommandHandler } from './types.js';

export const user: CommandHandler = {
  beforeLogin: true,
  arg: 'required',
  help: 'USER <name>',
  run(s, arg) {
    // --ftp-require-tls: not even the user name goes in clear (a server policy RFC 4217 allows).
    if (s.options.requireTls && s.tlsContext === null) return s.reply(530, 'TLS required: send AUTH TLS first');
    if (s.loggedIn) return s.reply(530, 'Already logged in: cannot change to another user');
    const name = arg.trim();
    s.user = null;
    s.anonymous = isAnonymousName(name);
    if (s.anonymous) {
      const refused = anonymousRefusal(s);
      if (refused !== null) return s.reply(530, refused);
      s.user = name;
      return s.reply(331, 'Anonymous login ok: send any password (your e-mail address, by custom)');
    }
    // Refused before the password is sent, whatever the name: this says nothing about which names exist.
    const clear = plaintextRefusal(s);
    if (clear !== null) return s.reply(530, clear);
    s.user = name;
    s.reply(331, `Password required for ${name}`);
  },
};
