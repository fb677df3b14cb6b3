// The typed dispatch map: one handler per FTP verb (aliases from RFC 775 share a handler).
import { abor } from './abor.js';
import { acct } from './acct.js';
import { allo } from './allo.js';
import { appe } from './appe.js';
import { auth } from './auth.js';
import { ccc } from './ccc.js';
import { cdup } from './cdup.js';
import { cwd } from './cwd.js';
import { dele } from './dele.js';
import { eprt } from './eprt.js';
import { epsv } from './epsv.js';
import { feat } from './feat.js';
import { help } from './help.js';
import { list } from './list.js';
import { mdtm } from './mdtm.js';
import { mkd } from './mkd.js';
import { mlsd } from './mlsd.js';
import { mlst } from './mlst.js';
import { mode } from './mode.js';
import { nlst } from './nlst.js';
import { noop } from './noop.js';
import { opts } from './opts.js';
import { pass } from './pass.js';
import { pasv } from './pasv.js';
import { pbsz } from './pbsz.js';
import { port } from './port.js';
import { prot } from './prot.js';
import { pwd } from './pwd.js';
import { quit } from './quit.js';
import { rest } from './rest.js';
import { retr } from './retr.js';
import { rmd } from './rmd.js';
import { rnfr } from './rnfr.js';
import { rnto } from './rnto.js';
import { site } from './site.js';
import { size } from './size.js';
import { stat } from './stat.js';
import { stor } from './stor.js';
import { stou } from './stou.js';
import { stru } from './stru.js';
import { syst } from './syst.js';
import { type } from './type.js';
import { user } from './user.js';
import type { CommandHandler } from './types.js';

export type { CommandHandler } from './types.js';

/** Every verb this server answers. */
export type Verb =
  | 'ABOR' | 'ACCT' | 'ALLO' | 'APPE' | 'AUTH' | 'CCC' | 'CDUP' | 'CWD' | 'DELE' | 'EPRT' | 'EPSV' | 'FEAT' | 'HELP'
  | 'LIST' | 'MDTM' | 'MKD' | 'MLSD' | 'MLST' | 'MODE' | 'NLST' | 'NOOP' | 'OPTS' | 'PASS' | 'PASV' | 'PBSZ' | 'PORT'
  | 'PROT' | 'PWD'
  | 'QUIT' | 'REST' | 'RETR' | 'RMD' | 'RNFR' | 'RNTO' | 'SITE' | 'SIZE' | 'STAT' | 'STOR' | 'STOU' | 'STRU'
  | 'SYST' | 'TYPE' | 'USER' | 'XCUP' | 'XCWD' | 'XMKD' | 'XPWD' | 'XRMD';

/** Verb to handler. */
export const COMMANDS: Readonly<Record<Verb, CommandHandler>> = {
  ABOR: abor, ACCT: acct, ALLO: allo, APPE: appe, AUTH: auth, CCC: ccc, CDUP: cdup, CWD: cwd, DELE: dele, EPRT: eprt, EPSV: epsv,
  FEAT: feat, HELP: help, LIST: list, MDTM: mdtm, MKD: mkd, MLSD: mlsd, MLST: mlst, MODE: mode, NLST: nlst,
  NOOP: noop, OPTS: opts, PASS: pass, PASV: pasv, PBSZ: pbsz, PORT: port, PROT: prot, PWD: pwd, QUIT: quit, REST: rest, RETR: retr,
  RMD: rmd, RNFR: rnfr, RNTO: rnto, SITE: site, SIZE: size, STAT: stat, STOR: stor, STOU: stou, STRU: stru,
  SYST: syst, TYPE: type, USER: user, XCUP: cdup, XCWD: cwd, XMKD: mkd, XPWD: pwd, XRMD: rmd,
};

/** Verbs of FTP and its extensions that this server knowingly does not offer: 502, not 500. */
export const KNOWN_UNIMPLEMENTED: ReadonlySet<string> = new Set([
  'SMNT', 'REIN', 'ADAT', 'MIC', 'CONF', 'ENC', 'LANG', 'MFMT', 'MFCT', 'MFF',
  'HOST', 'LPRT', 'LPSV', 'XSEN', 'XSEM', 'MAIL', 'MLFL', 'MRCP', 'MRSQ', 'MSAM', 'MSND', 'MSOM',
]);
