// ACCT (RFC 959 4.1.1): not used; accounts sign in with USER and PASS.
import type { CommandHandler } from './types.js';

export const acct: CommandHandler = {
  beforeLogin: true,
  help: 'ACCT <account> (not used by this server)',
  run(s) {
    s.reply(502, 'ACCT not implemented: log in with USER and PASS');
  },
};
