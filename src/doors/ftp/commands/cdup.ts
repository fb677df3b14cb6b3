// CDUP/XCUP (RFC 959 4.1.1): to the parent folder; at the root it stays there.
import { quotePath } from '../codec.js';
import { parentOf } from '../paths.js';
import type { CommandHandler } from './types.js';

export const cdup: CommandHandler = {
  help: 'CDUP',
  run(s) {
    s.cwd = parentOf(s.cwd);
    s.reply(250, `Working folder is now ${quotePath(s.cwd)}`);
  },
};
