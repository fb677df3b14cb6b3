// STOR (RFC 959 4.1.3): upload through a hidden file; after REST n the first n bytes of what the server has are kept.
import { receiveUpload } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const stor: CommandHandler = {
  usesData: true,
  arg: 'required',
  writes: true,
  errors: 'upload',
  help: 'STOR <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const start = s.takeRest();
    await receiveUpload(s, 'STOR', virtual, rel, start, start > 0 ? `Ok to send data from byte ${start}` : 'Ok to send data');
  },
};
