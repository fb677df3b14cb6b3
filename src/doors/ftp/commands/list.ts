// LIST (RFC 959 4.1.3): `ls -l` lines of a folder (or of one file) on the data connection; hidden entries never appear.
import { listPathArg } from '../codec.js';
import { entryOf, folderEntries } from '../entries.js';
import { lsLine } from '../listing.js';
import { sendLines } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const list: CommandHandler = {
  usesData: true,
  arg: 'optional',
  help: 'LIST [path]',
  async run(s, arg) {
    s.takeRest();
    const { virtual, rel } = s.path(listPathArg(arg));
    const entry = await entryOf(s.ctx.library, rel, false, s.source);
    const entries = entry.type === 'dir' ? await folderEntries(s.ctx.library, rel, false, s.source) : [entry];
    const now = Date.now();
    await sendLines(s, 'LIST', virtual, entries.map((e) => lsLine(e, now, s.canWrite)));
  },
};
