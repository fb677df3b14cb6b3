// APPE (RFC 959 4.1.3): continue the file (or a dropped upload of it) at its end; created when missing.
import { receiveUpload } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const appe: CommandHandler = {
  usesData: true,
  arg: 'required',
  writes: true,
  errors: 'upload',
  help: 'APPE <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    s.takeRest(); // APPE always continues at the end
    await receiveUpload(s, 'APPE', virtual, rel, 'end', 'Ok to send data to append');
  },
};
