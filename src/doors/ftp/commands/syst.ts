// SYST (RFC 959 4.1.3): clients parse "UNIX Type: L8" to expect ls -l listings.
import type { CommandHandler } from './types.js';

export const syst: CommandHandler = {
  beforeLogin: true,
  help: 'SYST',
  run(s) {
    s.reply(215, 'UNIX Type: L8');
  },
};
