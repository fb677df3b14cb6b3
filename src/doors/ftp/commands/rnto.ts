// RNTO (RFC 959 4.1.3): rename or move what RNFR named, under the library's rules.
import { moveEntry } from '../../../core/move.js';
import type { CommandHandler } from './types.js';

export const rnto: CommandHandler = {
  arg: 'required',
  writes: true,
  errors: 'upload',
  help: 'RNTO <to>',
  async run(s, arg) {
    const from = s.renameFrom;
    s.renameFrom = null;
    if (from === null) return s.reply(503, 'Send RNFR first');
    const { virtual, rel } = s.path(arg);
    await moveEntry(s.ctx.library, from, rel, s.source);
    s.reply(250, `Renamed to ${virtual}`);
  },
};
