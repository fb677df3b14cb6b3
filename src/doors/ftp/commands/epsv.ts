// EPSV (RFC 2428 3): passive mode naming the port only; EPSV ALL refuses PORT/PASV/EPRT afterwards.
import { isIPv4, isIPv6 } from 'node:net';
import { epsvText } from '../codec.js';
import { openPassive } from './passive-open.js';
import type { CommandHandler } from './types.js';

export const epsv: CommandHandler = {
  arg: 'optional',
  help: 'EPSV [1|2|ALL]',
  async run(s, arg) {
    const wanted = arg.trim().toUpperCase();
    if (wanted === 'ALL') {
      s.epsvAll = true;
      return s.reply(200, 'EPSV ALL ok: only EPSV from now on');
    }
    const family = isIPv6(s.localHost) ? '2' : isIPv4(s.localHost) ? '1' : '';
    if (wanted !== '' && wanted !== family) return s.reply(522, `Network protocol not supported, use (${family})`);
    const listener = await openPassive(s);
    if (listener !== null) s.reply(229, epsvText(listener.port));
  },
};
