// CCC (RFC 2228 3, RFC 4217 5): clearing the control connection is refused, always.
import type { CommandHandler } from './types.js';

export const ccc: CommandHandler = {
  beforeLogin: true,
  help: 'CCC',
  run(s) {
    // Why: in clear, commands and the login could be read and altered again (and a NAT helper's
    // view of PORT is not worth that); RFC 4217 5 lets a server refuse with 534.
    s.reply(534, 'CCC refused: the control connection stays encrypted');
  },
};
