// PBSZ (RFC 2228 3, RFC 4217 9): TLS needs no protection buffer, so any size is answered PBSZ=0.
import type { CommandHandler } from './types.js';

export const pbsz: CommandHandler = {
  beforeLogin: true,
  arg: 'required',
  help: 'PBSZ 0',
  run(s, arg) {
    if (s.tlsContext === null) return s.reply(503, 'PBSZ needs AUTH TLS first');
    if (!/^\d{1,10}$/u.test(arg.trim())) return s.reply(501, 'Syntax: PBSZ <decimal size>');
    s.pbsz = true;
    s.reply(200, 'PBSZ=0');
  },
};
