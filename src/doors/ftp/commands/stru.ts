// STRU (RFC 959 4.1.2): file structure only.
import type { CommandHandler } from './types.js';

export const stru: CommandHandler = {
  arg: 'required',
  help: 'STRU F',
  run(s, arg) {
    const m = arg.trim().toUpperCase();
    if (m === 'F') return s.reply(200, 'Structure set to F');
    if (m === 'R' || m === 'P') return s.reply(504, `STRU ${m} not supported: use F`);
    s.reply(501, 'Syntax: STRU F');
  },
};
