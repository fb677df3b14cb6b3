// ABOR (RFC 959 4.1.3): a running transfer was already stopped when the line arrived (426); this is the 226 after it.
import type { CommandHandler } from './types.js';

export const abor: CommandHandler = {
  beforeLogin: true,
  help: 'ABOR',
  run(s) {
    s.setData(null);
    s.reply(226, 'ABOR successful');
  },
};
