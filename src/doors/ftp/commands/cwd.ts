// CWD/XCWD (RFC 959 4.1.1, RFC 775): change the working folder.
import { NetroomError } from '../../../core/errors.js';
import { quotePath } from '../codec.js';
import type { CommandHandler } from './types.js';

export const cwd: CommandHandler = {
  arg: 'required',
  help: 'CWD <folder>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const entry = await s.ctx.library.stat(rel, s.source);
    if (entry.type !== 'dir') throw new NetroomError('NOT_A_DIRECTORY', `not a folder: ${virtual}`, { path: virtual });
    s.cwd = virtual;
    s.reply(250, `Working folder is now ${quotePath(virtual)}`);
  },
};
