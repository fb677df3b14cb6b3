// OPTS (RFC 2389 4): UTF8 ON (RFC 2640; Windows Explorer needs a 200), MLST fact selection (RFC 3659 7.9).
import { parseFacts } from '../listing.js';
import type { CommandHandler } from './types.js';

export const opts: CommandHandler = {
  beforeLogin: true,
  arg: 'required',
  help: 'OPTS UTF8 ON | OPTS MLST fact;fact;',
  run(s, arg) {
    const [name = '', ...rest] = arg.trim().split(/\s+/u);
    const value = rest.join(' ');
    switch (name.toUpperCase()) {
      case 'UTF8':
      case 'UTF-8':
        if (value.toUpperCase() === 'OFF') return s.reply(504, 'Paths are always UTF-8 here');
        return s.reply(200, 'UTF8 mode on');
      case 'MLST': {
        s.facts = parseFacts(value);
        return s.reply(200, `MLST OPTS ${[...s.facts].map((f) => `${f};`).join('')}`);
      }
      default:
        s.reply(501, `Option ${name.slice(0, 20)} not understood`);
    }
  },
};
