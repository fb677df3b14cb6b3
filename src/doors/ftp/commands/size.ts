// SIZE (RFC 3659 4): a file's size in bytes (as stored: TYPE A conversion is not counted); for a name with
// no visible file, what a dropped upload of it kept, so a resuming client (curl -C -) continues from there.
import { NetroomError, isNetroomError } from '../../../core/errors.js';
import type { CommandHandler } from './types.js';

export const size: CommandHandler = {
  arg: 'required',
  help: 'SIZE <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    try {
      const entry = await s.ctx.library.stat(rel, s.source);
      if (entry.type !== 'file') throw new NetroomError('NOT_A_FILE', `${virtual} is not a plain file`, { path: virtual });
      s.reply(213, String(entry.size));
    } catch (err) {
      if (!isNetroomError(err) || err.code !== 'NOT_FOUND') throw err;
      const base = await s.shared.continuations.base(rel).catch(() => null);
      if (base?.source !== 'kept') throw err;
      s.reply(213, String(base.size));
    }
  },
};
