// PASS (RFC 959 4.1.1): any password for anonymous; no accounts exist yet, so other users get 530.
import type { CommandHandler } from './types.js';

export const pass: CommandHandler = {
  beforeLogin: true,
  arg: 'optional',
  help: 'PASS <password>',
  run(s) {
    // --ftp-require-tls: no password in clear (a server policy RFC 4217 allows).
    if (s.options.requireTls && s.tlsContext === null) return s.reply(530, 'TLS required: send AUTH TLS first');
    if (s.loggedIn) return s.reply(230, 'Already logged in');
    if (s.user === null) return s.reply(503, 'Send USER first');
    if (s.anonymous) {
      s.loggedIn = true;
      s.log.debug('anonymous login');
      return s.reply(230, s.options.anonymous === 'read' ? 'Anonymous login ok: read-only access' : 'Anonymous login ok');
    }
    s.user = null;
    s.reply(530, 'Login incorrect (this server has no accounts yet: log in as anonymous)');
  },
};
