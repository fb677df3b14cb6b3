// MDTM (RFC 3659 3): a file's modification time, UTC, YYYYMMDDHHMMSS.
import { NetroomError } from '../../../core/errors.js';
import { timeval } from '../listing.js';
import type { CommandHandler } from './types.js';

export const mdtm: CommandHandler = {
  arg: 'required',
  help: 'MDTM <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const entry = await s.ctx.library.stat(rel, s.source);
    if (entry.type !== 'file') throw new NetroomError('NOT_A_FILE', `${virtual} is not a plain file`, { path: virtual });
    s.reply(213, timeval(entry.mtime));
  },
};
