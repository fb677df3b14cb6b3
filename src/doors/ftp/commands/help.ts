// HELP (RFC 959 4.1.3): the verbs this server knows, or one verb's syntax.
import { COMMANDS } from './index.js';
import type { CommandHandler } from './types.js';

export const help: CommandHandler = {
  beforeLogin: true,
  arg: 'optional',
  help: 'HELP [verb]',
  run(s, arg) {
    const verbs = Object.keys(COMMANDS).sort();
    const wanted = arg.trim().toUpperCase();
    if (wanted !== '') {
      if (!Object.hasOwn(COMMANDS, wanted)) return s.reply(501, `Unknown command ${wanted.slice(0, 20)}`);
      return s.reply(214, `Syntax: ${COMMANDS[wanted as keyof typeof COMMANDS].help}`);
    }
    const rows: string[] = [];
    for (let i = 0; i < verbs.length; i += 8) rows.push(` ${verbs.slice(i, i + 8).map((v) => v.padEnd(5)).join(' ')}`);
    s.reply(214, ['The following commands are recognized:', ...rows, 'Help OK']);
  },
};
