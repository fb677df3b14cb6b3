// KILL nick [:reason] (RFC 2812 3.7.1): an operator removes a member from the server, whatever its door; 481 for everyone else.
import { NetroomError } from '../../../core/errors.js';
import { replyError } from '../errors.js';
import { moderatorOf } from './moderator.js';
import { command } from './types.js';

export const KILL = command(
  (hub, session, message) => {
    const member = session.member;
    const [nick = '', reason = ''] = message.params;
    if (!member) return;
    try {
      const moderation = hub.ctx.moderation;
      if (!moderation) throw new NetroomError('PERMISSION_DENIED', 'this server has no moderation');
      // The one removed hears `ERROR :Closing Link` (its door), its room mates a QUIT with the reason.
      moderation.kick(moderatorOf(member), null, nick, reason);
    } catch (err) {
      replyError(hub, session, err, { nick, verb: 'KILL' });
    }
  },
  { minParams: 1 },
);
