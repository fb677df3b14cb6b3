// STOU (RFC 959 4.1.3, RFC 1123 4.1.2.9): store under a new unique name in the working folder, told as "FILE: name".
import { randomBytes } from 'node:crypto';
import { NetroomError } from '../../../core/errors.js';
import { baseName, joinVirtual, toLibrary } from '../paths.js';
import { receiveUpload } from '../transfer.js';
import type { CommandHandler } from './types.js';

export const stou: CommandHandler = {
  usesData: true,
  arg: 'optional',
  writes: true,
  errors: 'upload',
  help: 'STOU [name]',
  async run(s, arg) {
    s.takeRest();
    const stem = arg.trim() === '' ? 'upload' : baseName(s.path(arg).virtual) || 'upload';
    for (let tries = 0; tries < 5; tries++) {
      const name = `${stem}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
      const virtual = joinVirtual(s.cwd, name);
      const rel = toLibrary(virtual);
      if ((await s.shared.continuations.base(rel)).source !== 'none') continue;
      return receiveUpload(s, 'STOU', virtual, rel, 0, `FILE: ${name}`);
    }
    throw new NetroomError('ALREADY_EXISTS', 'no unique name found: try again');
  },
};
