// MODE (RFC 959 4.1.2): stream mode only.
import type { CommandHandler } from './types.js';

export const mode: CommandHandler = {
  arg: 'required',
  help: 'MODE S',
  run(s, arg) {
    const m = arg.trim().toUpperCase();
    if (m === 'S') return s.reply(200, 'Mode set to S');
    if (m === 'B' || m === 'C' || m === 'Z') return s.reply(504, `MODE ${m} not supported: use S`);
    s.reply(501, 'Syntax: MODE S');
  },
};
