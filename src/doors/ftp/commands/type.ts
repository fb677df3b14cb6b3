// TYPE (RFC 959 4.1.2): A (line ends converted) and I (bytes as they are); E and formats other than N: 504.
import { parseType } from '../codec.js';
import type { CommandHandler } from './types.js';

export const type: CommandHandler = {
  arg: 'required',
  help: 'TYPE A|I',
  run(s, arg) {
    const parsed = parseType(arg);
    if (parsed === 'syntax') return s.reply(501, 'Syntax: TYPE A or TYPE I');
    if (parsed === 'unsupported') return s.reply(504, `TYPE ${arg.trim()} not supported: use A or I`);
    s.type = parsed;
    s.reply(200, `Type set to ${parsed}`);
  },
};
