// ALLO (RFC 959 4.1.3): nothing to reserve, but a size over the upload limit is refused at once (552).
import type { CommandHandler } from './types.js';

export const allo: CommandHandler = {
  arg: 'required',
  help: 'ALLO <bytes> [R <record size>]',
  run(s, arg) {
    const match = /^\s*(\d+)(\s+R\s+\d+)?\s*$/iu.exec(arg);
    if (match === null) return s.reply(501, 'Syntax: ALLO <bytes>');
    const max = s.ctx.library.uploadRules.maxUpload;
    if (Number(match[1]) > max) return s.reply(552, `Larger than the upload limit of ${max} bytes`);
    s.reply(202, 'No storage allocation necessary');
  },
};
