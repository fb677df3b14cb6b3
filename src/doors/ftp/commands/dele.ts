// DELE (RFC 959 4.1.3): delete a file (folders go with RMD).
import { NetroomError } from '../../../core/errors.js';
import type { CommandHandler } from './types.js';

export const dele: CommandHandler = {
  arg: 'required',
  writes: true,
  help: 'DELE <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const entry = await s.ctx.library.stat(rel, s.source);
    if (entry.type === 'dir') throw new NetroomError('NOT_A_FILE', `${virtual} is a folder: use RMD`, { path: virtual });
    await s.ctx.library.remove(rel, s.source);
    await s.shared.continuations.forget(rel); // a deleted name has nothing left to continue
    s.reply(250, `Deleted ${virtual}`);
  },
};
