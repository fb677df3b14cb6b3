// RMD/XRMD (RFC 959 4.1.3): remove an empty folder.
import { NetroomError } from '../../../core/errors.js';
import type { CommandHandler } from './types.js';

export const rmd: CommandHandler = {
  arg: 'required',
  writes: true,
  help: 'RMD <folder>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const entry = await s.ctx.library.stat(rel, s.source);
    if (entry.type !== 'dir') throw new NetroomError('NOT_A_DIRECTORY', `${virtual} is a file: use DELE`, { path: virtual });
    await s.ctx.library.remove(rel, s.source);
    s.reply(250, `Removed ${virtual}`);
  },
};
