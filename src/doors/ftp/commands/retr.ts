// RETR (RFC 959 4.1.3): stream a file from the library, from the REST offset if one was given (RFC 3659 5).
import { NetroomError } from '../../../core/errors.js';
import { sendStream } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const retr: CommandHandler = {
  usesData: true,
  arg: 'required',
  help: 'RETR <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const start = s.takeRest();
    const file = await s.ctx.library.openRead(rel, { start });
    if (start > file.size) {
      file.stream.destroy();
      throw new NetroomError('BAD_REQUEST', `cannot restart at ${start}: ${virtual} has ${file.size} bytes`, { restart: start });
    }
    await sendStream(s, 'RETR', virtual, file.stream, file.size - start);
  },
};
