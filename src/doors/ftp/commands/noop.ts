// NOOP (RFC 959 4.1.3).
import type { CommandHandler } from './types.js';

export const noop: CommandHandler = {
  beforeLogin: true,
  help: 'NOOP',
  run(s) {
    s.reply(200, 'NOOP ok');
  },
};
