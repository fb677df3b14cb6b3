// QUIT (RFC 959 4.1.1): after any transfer in progress (commands run in order), goodbye and close.
import type { CommandHandler } from './types.js';

export const quit: CommandHandler = {
  beforeLogin: true,
  help: 'QUIT',
  run(s) {
    s.quit(221, 'Goodbye');
  },
};
