// MKD/XMKD (RFC 959 4.1.3): create one folder; the reply quotes its path (257 "path").
import { quotePath } from '../codec.js';
import type { CommandHandler } from './types.js';

export const mkd: CommandHandler = {
  arg: 'required',
  writes: true,
  errors: 'upload',
  help: 'MKD <folder>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    await s.ctx.library.mkdir(rel, s.source);
    s.reply(257, `${quotePath(virtual)} created`);
  },
};
