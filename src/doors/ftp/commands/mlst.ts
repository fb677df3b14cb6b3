// MLST (RFC 3659 7): the facts of one entry on the control connection, named by its full path.
import { entryOf } from '../entries.js';
import { mlsxLine } from '../listing.js';
import type { CommandHandler } from './types.js';

export const mlst: CommandHandler = {
  arg: 'optional',
  help: 'MLST [path]',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg.trim());
    const entry = await entryOf(s.ctx.library, rel, s.facts.has('unique'), s.source);
    // RFC 3659 7.2: the entry line starts with one space.
    s.reply(250, [`Listing ${virtual}`, ` ${mlsxLine(entry, s.facts, s.canWrite, virtual)}`, 'End']);
  },
};
