// MLSD (RFC 3659 7): machine-readable facts of a folder's entries on the data connection.
import { NetroomError } from '../../../core/errors.js';
import { entryOf, folderEntries } from '../entries.js';
import { mlsxLine } from '../listing.js';
import { sendLines } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const mlsd: CommandHandler = {
  usesData: true,
  arg: 'optional',
  help: 'MLSD [folder]',
  async run(s, arg) {
    s.takeRest();
    const { virtual, rel } = s.path(arg.trim());
    const entry = await entryOf(s.ctx.library, rel, false, s.source);
    // RFC 3659 7.2.1: MLSD names a folder; a file is a syntax error in the argument.
    if (entry.type !== 'dir') throw new NetroomError('BAD_REQUEST', `${virtual} is not a folder: use MLST for a file`, { path: virtual });
    const entries = await folderEntries(s.ctx.library, rel, s.facts.has('unique'), s.source);
    await sendLines(s, 'MLSD', virtual, entries.map((e) => mlsxLine(e, s.facts, s.canWrite)));
  },
};
