// AWAY [:text]: chat.setAway; 306 or 305; room mates with away-notify hear it; shown by WHO (G), WHOIS (301), USERHOST (-), PRIVMSG (301).
import { RPL } from '../numerics.js';
import { AWAY_LENGTH } from '../welcome.js';
import { command } from './types.js';

export const AWAY = command((hub, session, message) => {
  const member = session.member;
  if (!member) return;
  // eslint-disable-next-line no-control-regex -- control characters are not relayed to others
  const text = [...(message.params[0] ?? '').replace(/[\x00-\x1f\x7f]/gu, '')].slice(0, AWAY_LENGTH).join('');
  if (text === '') {
    if (hub.chat.awayOf(member) !== null) hub.chat.setAway(member, null);
    session.reply(RPL.UNAWAY, 'You are no longer marked as being away');
  } else {
    hub.chat.setAway(member, text);
    session.reply(RPL.NOWAWAY, 'You have been marked as being away');
  }
});
