// WHOIS [server] nick[,nick]: 311 user, 319 channels (with prefixes), 312 server, 301 away, 313 admin, 330 account, 320 door, 317 idle, 318 end.
import { ERR, RPL } from '../numerics.js';
import { MAX_TARGETS } from '../welcome.js';
import { maySee, prefixOf, unixSeconds, viewOf } from './shared.js';
import { command } from './types.js';

export const WHOIS = command(
  (hub, session, message) => {
    // `WHOIS nick` or `WHOIS server nick`: the nicks are the last parameter, comma-separated.
    const nicks = (message.params[message.params.length - 1] ?? '').split(',').slice(0, MAX_TARGETS);
    const server = hub.settings.serverName;
    for (const nick of nicks) {
      const member = nick === '' ? undefined : hub.chat.find(nick);
      if (!member) {
        session.reply(ERR.NOSUCHNICK, nick, 'No such nick/channel');
        session.reply(RPL.ENDOFWHOIS, nick, 'End of /WHOIS list.');
        continue;
      }
      const view = viewOf(hub, member);
      session.reply(RPL.WHOISUSER, member.name, view.user, view.host, '*', view.realname);
      const rooms = hub.chat
        .roomsOf(member)
        .filter((room) => maySee(hub, session, room))
        .map((room) => prefixOf(hub.chat.standing(room, member), session.multiPrefix) + room);
      if (rooms.length > 0) session.reply(RPL.WHOISCHANNELS, member.name, rooms.join(' '));
      session.reply(RPL.WHOISSERVER, member.name, server, 'netroom');
      if (view.away !== null) session.reply(RPL.AWAY, member.name, view.away);
      if (view.oper) session.reply(RPL.WHOISOPERATOR, member.name, 'is an IRC operator');
      if (member.account !== undefined) session.reply(RPL.WHOISACCOUNT, member.name, member.account, 'is logged in as');
      if (member.door !== 'irc') session.reply(RPL.WHOISSPECIAL, member.name, `is connected through the ${member.door} door`);
      const other = hub.sessionOf(member);
      if (other) {
        const idle = Math.max(0, Math.floor((Date.now() - other.lastSpoke) / 1000));
        session.reply(RPL.WHOISIDLE, member.name, String(idle), unixSeconds(member.since), 'seconds idle, signon time');
      }
      session.reply(RPL.ENDOFWHOIS, member.name, 'End of /WHOIS list.');
    }
  },
  { minParams: 1 },
);
