// STAT (RFC 959 4.1.3): the session's status, or a path listed on the control connection (213).
import { listPathArg } from '../codec.js';
import { entryOf, folderEntries } from '../entries.js';
import { lsLine } from '../listing.js';
import type { CommandHandler } from './types.js';

export const stat: CommandHandler = {
  arg: 'optional',
  help: 'STAT [path]',
  async run(s, arg) {
    if (arg.trim() === '') {
      const who = s.anonymous ? 'anonymous' : `${s.actor.name} (${s.actor.role})`;
      return s.reply(211, [
        'netroom FTP server status:',
        ` Connected from ${s.remoteHost}`,
        ` Logged in as ${who}${s.canWrite ? '' : ' (read-only)'}`,
        ` TYPE ${s.type === 'A' ? 'ASCII' : 'BINARY'}, MODE stream, STRU file`,
        ` Working folder ${s.cwd}`,
        'End of status',
      ]);
    }
    const { virtual, rel } = s.path(listPathArg(arg));
    const entry = await entryOf(s.ctx.library, rel, false, s.source);
    const entries = entry.type === 'dir' ? await folderEntries(s.ctx.library, rel, false, s.source) : [entry];
    const now = Date.now();
    s.reply(213, [`Status of ${virtual}:`, ...entries.map((e) => ` ${lsLine(e, now, s.canWrite)}`), 'End of status']);
  },
};
