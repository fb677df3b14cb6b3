// RNFR (RFC 959 4.1.3): name the entry to rename; RNTO must come next.
import { NetroomError } from '../../../core/errors.js';
import type { CommandHandler } from './types.js';

export const rnfr: CommandHandler = {
  arg: 'required',
  writes: true,
  help: 'RNFR <from>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    if (rel === '') throw new NetroomError('BAD_PATH', 'the library root cannot be renamed');
    await s.ctx.library.stat(rel, s.source);
    s.renameFrom = rel;
    s.reply(350, `Ready to rename ${virtual}: send RNTO`);
  },
};
