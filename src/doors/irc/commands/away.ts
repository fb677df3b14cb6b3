// AWAY: set (306) or clear (305) an away text, shown by WHO (G), WHOIS (301) and USERHOST (-).
import { RPL } from '../numerics.js';
import { AWAY_LENGTH } from '../welcome.js';
import { command } from './types.js';

export const AWAY = command((_hub, session, message) => {
  const text = message.params[0] ?? '';
  if (text === '') {
    session.away = undefined;
    session.reply(RPL.UNAWAY, 'You are no longer marked as being away');
  } else {
    session.away = [...text].slice(0, AWAY_LENGTH).join('');
    session.reply(RPL.NOWAWAY, 'You have been marked as being away');
  }
});
