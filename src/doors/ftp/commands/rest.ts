// REST (RFC 3659 5, STREAM mode): the byte offset where the next RETR or STOR starts.
import type { CommandHandler } from './types.js';

export const rest: CommandHandler = {
  arg: 'required',
  help: 'REST <offset>',
  run(s, arg) {
    const text = arg.trim();
    const offset = Number(text);
    if (!/^\d+$/u.test(text) || !Number.isSafeInteger(offset)) return s.reply(501, 'Syntax: REST <offset in bytes>');
    s.restAt = offset;
    s.reply(350, `Restarting at ${offset}: send STOR or RETR to start the transfer`);
  },
};
