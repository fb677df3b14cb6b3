// SITE (RFC 959 4.1.3): only SITE HELP; the rest (CHMOD, UMASK, ...) has no meaning for the library.
import type { CommandHandler } from './types.js';

export const site: CommandHandler = {
  arg: 'required',
  help: 'SITE HELP',
  run(s, arg) {
    const sub = arg.trim().split(/\s+/u)[0]?.toUpperCase() ?? '';
    if (sub === 'HELP') return s.reply(214, ['SITE commands of this server:', ' HELP', 'End']);
    s.reply(504, `SITE ${sub.slice(0, 20)} not supported`);
  },
};
