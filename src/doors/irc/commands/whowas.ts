// WHOWAS nick [count]: nicks that quit or changed lately (314 + 312 each, 369), or 406 (RFC 2812 3.6.3).
import { ERR, RPL } from '../numerics.js';
import { command } from './types.js';

export const WHOWAS = command(
  (hub, session, message) => {
    const [nicks = '', count] = message.params;
    const n = count !== undefined && /^-?\d+$/u.test(count) ? Number(count) : 0;
    const server = hub.settings.serverName;
    for (const nick of nicks.split(',').slice(0, 1)) {
      const entries = nick === '' ? [] : hub.whowas.find(nick, n);
      if (entries.length === 0) session.reply(ERR.WASNOSUCHNICK, nick, 'There was no such nickname');
      for (const entry of entries) {
        session.reply(RPL.WHOWASUSER, entry.nick, entry.user, entry.host, '*', entry.realname);
        session.reply(RPL.WHOISSERVER, entry.nick, server, new Date(entry.at).toUTCString());
      }
      session.reply(RPL.ENDOFWHOWAS, nick, 'End of WHOWAS');
    }
  },
  { minParams: 1 },
);
