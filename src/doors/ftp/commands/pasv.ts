// PASV (RFC 959 4.1.2): listen on a pool port and tell the client where (the public host behind NAT).
import { isIPv4 } from 'node:net';
import { pasvText } from '../codec.js';
import { openPassive } from './passive-open.js';
import type { CommandHandler } from './types.js';

export const pasv: CommandHandler = {
  help: 'PASV',
  async run(s) {
    if (s.epsvAll) return s.reply(503, 'EPSV ALL is in effect: use EPSV');
    const advertised = s.options.publicHost ?? s.localHost;
    if (!isIPv4(advertised)) return s.reply(425, 'PASV is for IPv4: use EPSV on an IPv6 connection');
    const listener = await openPassive(s);
    if (listener !== null) s.reply(227, pasvText(advertised, listener.port));
  },
};
