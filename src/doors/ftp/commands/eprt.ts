// EPRT (RFC 2428 2): active mode over IPv4 or IPv6, with the same no-bounce rules as PORT.
import { parseEprt, sameHost } from '../codec.js';
import type { CommandHandler } from './types.js';

export const eprt: CommandHandler = {
  arg: 'required',
  help: 'EPRT |proto|address|port|',
  run(s, arg) {
    if (s.epsvAll) return s.reply(503, 'EPSV ALL is in effect: use EPSV');
    const parsed = parseEprt(arg);
    if (!parsed.ok) {
      return parsed.reason === 'protocol' ? s.reply(522, 'Network protocol not supported, use (1,2)') : s.reply(501, 'Syntax: EPRT |1|a.b.c.d|port| or |2|ipv6|port|');
    }
    const { endpoint } = parsed;
    if (!sameHost(endpoint.host, s.remoteHost)) return s.reply(504, 'EPRT to another host is refused (no FTP bounce)');
    if (endpoint.port < 1024) return s.reply(504, 'EPRT to a privileged port is refused');
    s.setData({ kind: 'active', endpoint: { host: s.remoteHost, port: endpoint.port } });
    s.reply(200, 'EPRT command successful');
  },
};
