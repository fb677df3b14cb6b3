// INVITE nick #room: chat.invite (under +i operators only); 341 to the inviter, INVITE to the invitee (and invite-notify ops) from the fan-out.
import { replyError } from '../errors.js';
import { ERR, RPL } from '../numerics.js';
import { command } from './types.js';

export const INVITE = command((hub, session, message) => {
  const [nick, channel] = message.params;
  const member = session.member;
  if (!member) return;
  if (nick !== undefined && channel === undefined) {
    session.reply(ERR.NEEDMOREPARAMS, 'INVITE', 'Not enough parameters');
    return;
  }
  if (nick === undefined || channel === undefined) {
    // Without arguments: the rooms this client is invited to; netroom does not list them (yet).
    session.reply(RPL.ENDOFINVITELIST, 'End of /INVITE list');
    return;
  }
  try {
    const invited = hub.chat.invite(member, channel, nick);
    const room = hub.chat.room(channel)?.name ?? channel;
    session.reply(RPL.INVITING, invited.name, room);
    const away = hub.chat.awayOf(invited);
    if (away !== null) session.reply(RPL.AWAY, invited.name, away);
  } catch (err) {
    replyError(hub, session, err, { channel, nick, verb: 'INVITE' });
  }
});
