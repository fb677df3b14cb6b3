// USER (RFC 959 4.1.1): anonymous/ftp when anonymous access is on; other names wait for accounts.
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
    s.anonymous = /^(anonymous|ftp)$/iu.test(name);
    if (s.anonymous && s.options.anonymous === 'off') {
      s.user = null;
      return s.reply(530, 'Anonymous access is off on this server');
    }
    s.user = name;
    if (s.anonymous) return s.reply(331, 'Anonymous login ok: send any password (your e-mail address, by custom)');
    s.reply(331, `Password required for ${name}`);
  },
};
