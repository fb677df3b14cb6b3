// PORT (RFC 959 4.1.2): active mode, only to the client's own address and an unprivileged port (no FTP bounce).
import { parsePort, sameHost } from '../codec.js';
import type { CommandHandler } from './types.js';

export const port: CommandHandler = {
  arg: 'required',
  help: 'PORT h1,h2,h3,h4,p1,p2',
  run(s, arg) {
    if (s.epsvAll) return s.reply(503, 'EPSV ALL is in effect: use EPSV');
    const endpoint = parsePort(arg);
    if (endpoint === null) return s.reply(501, 'Syntax: PORT h1,h2,h3,h4,p1,p2');
    if (!sameHost(endpoint.host, s.remoteHost)) return s.reply(504, 'PORT to another host is refused (no FTP bounce)');
    if (endpoint.port < 1024) return s.reply(504, 'PORT to a privileged port is refused');
    s.setData({ kind: 'active', endpoint: { host: s.remoteHost, port: endpoint.port } });
    s.reply(200, 'PORT command successful');
  },
};
