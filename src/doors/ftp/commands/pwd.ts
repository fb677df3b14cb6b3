// PWD/XPWD (RFC 959 4.1.3): the working folder, quoted with embedded quotes doubled.
import { quotePath } from '../codec.js';
import type { CommandHandler } from './types.js';

export const pwd: CommandHandler = {
  help: 'PWD',
  run(s) {
    s.reply(257, `${quotePath(s.cwd)} is the working folder`);
  },
};
