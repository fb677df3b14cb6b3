// CDUP/XCUP (RFC 959 4.1.1): to the parent folder; exactly `CWD ..`, so at the root it stays there (paths.ts).
import { cwd } from './cwd.js';
import type { CommandHandler } from './types.js';

export const cdup: CommandHandler = {
  help: 'CDUP',
  run(s, _arg, verb) {
    return cwd.run(s, '..', verb);
  },
};
