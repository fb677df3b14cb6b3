// RETR (RFC 959 4.1.3): send a file from the library, from the REST offset if one was given (RFC 3659 5).
import { NetroomError } from '../../../core/errors.js';
import { sendFile, sendStream } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const retr: CommandHandler = {
  usesData: true,
  arg: 'required',
  help: 'RETR <file>',
  async run(s, arg) {
    const { virtual, rel } = s.path(arg);
    const start = s.takeRest();
    if (s.type === 'A') {
      // TYPE A rewrites line ends on the way (ToCrlf): a stream transform, so the stream path.
      const file = await s.ctx.library.openRead(rel, { start }, s.source);
      if (start > file.size) {
        file.stream.destroy();
        throw beyondEnd(start, virtual, file.size);
      }
      await sendStream(s, 'RETR', virtual, file.stream, file.size - start);
      return;
    }
    // TYPE I: the bytes as they are, from the door's pooled buffers (bounded memory for a crowd).
    const file = await s.ctx.library.openFile(rel, s.source);
    if (start > file.size) {
      await file.handle.close().catch(() => undefined);
      throw beyondEnd(start, virtual, file.size);
    }
    await sendFile(s, 'RETR', virtual, file.handle, start, file.size);
  },
};

/** RFC 3659 5.5: a REST offset past the end of the file (554). */
function beyondEnd(start: number, virtual: string, size: number): NetroomError {
  return new NetroomError('BAD_REQUEST', `cannot restart at ${start}: ${virtual} has ${size} bytes`, { restart: start });
}
