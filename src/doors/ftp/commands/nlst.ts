// NLST (RFC 959 4.1.3): names only, one per line; for a file, the path as the client gave it.
import { listPathArg } from '../codec.js';
import { entryOf, folderEntries } from '../entries.js';
import { sendLines } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const nlst: CommandHandler = {
  usesData: true,
  arg: 'optional',
  help: 'NLST [path]',
  async run(s, arg) {
    s.takeRest();
    const given = listPathArg(arg);
    const { virtual, rel } = s.path(given);
    const entry = await entryOf(s.ctx.library, rel, false, s.source);
    const names = entry.type === 'dir' ? (await folderEntries(s.ctx.library, rel, false, s.source)).map((e) => e.name) : [given];
    await sendLines(s, 'NLST', virtual, names);
  },
};
