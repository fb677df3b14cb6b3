// ACCT (RFC 959 4.1.1): accounts are not used here.
import type { CommandHandler } from './types.js';

export const acct: CommandHandler = {
  beforeLogin: true,
  help: 'ACCT <account> (not used by this server)',
  run(s) {
    s.reply(502, 'ACCT not implemented: no account is needed');
  },
};
