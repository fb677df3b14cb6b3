// FEAT (RFC 2389 3): the extensions clients may rely on, one per line with a leading space.
import { mlstFeature } from '../listing.js';
import type { CommandHandler } from './types.js';

export const feat: CommandHandler = {
  beforeLogin: true,
  help: 'FEAT',
  run(s) {
    // RFC 4217 6: AUTH TLS, PBSZ and PROT only when there is a certificate to offer.
    const tls = s.options.tls === null ? [] : [' AUTH TLS', ' PBSZ', ' PROT'];
    s.reply(211, [
      'Extensions supported:',
      ...tls,
      ' EPRT',
      ' EPSV',
      ' MDTM',
      ` ${mlstFeature(s.facts)}`,
      ' REST STREAM',
      ' SIZE',
      ' TVFS',
      ' UTF8',
      'End',
    ]);
  },
};
