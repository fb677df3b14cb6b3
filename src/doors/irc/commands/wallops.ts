// WALLOPS: from an operator, an administrator announcement to everyone connected (every door).
import { replyError } from '../errors.js';
import { ERR } from '../numerics.js';
import { command } from './types.js';

export const WALLOPS = command(
  (hub, session, message) => {
    if (!session.oper) {
      session.reply(ERR.NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
      return;
    }
    try {
      hub.chat.announce(message.params[0] ?? '');
    } catch (err) {
      replyError(hub, session, err);
    }
  },
  { minParams: 1 },
);
