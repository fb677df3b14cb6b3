// PROT (RFC 2228 3, RFC 4217 9): data connections in clear (C) or in TLS (P); S and E have no TLS meaning.
import type { CommandHandler } from './types.js';

export const prot: CommandHandler = {
  beforeLogin: true,
  arg: 'required',
  help: 'PROT C|P',
  run(s, arg) {
    // RFC 4217 9 (RFC 2228 3): PROT must follow PBSZ, which must follow AUTH.
    if (s.tlsContext === null || !s.pbsz) return s.reply(503, 'PROT needs AUTH TLS and PBSZ first');
    const level = arg.trim().toUpperCase();
    if (level === 'C') {
      s.protP = false;
      if (s.options.requireTls) return s.reply(200, 'PROT C ok, but this server refuses clear data connections (521): use PROT P');
      return s.reply(200, 'PROT C ok: data connections in clear');
    }
    if (level === 'P') {
      s.protP = true;
      return s.reply(200, 'PROT P ok: data connections in TLS');
    }
    if (level === 'S' || level === 'E') return s.reply(536, `PROT ${level} not supported with TLS: use P or C`);
    s.reply(504, 'Syntax: PROT C|P');
  },
};
