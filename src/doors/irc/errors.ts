// Room errors to the IRC wire, in one place: a numeric where IRC has one, and the reason as a NOTICE.
import { isNetroomError, type NetroomError } from '../../core/errors.js';
import { errorText } from '../../core/i18n.js';
import type { IrcHub } from './hub.js';
import { CHANNEL } from './lines.js';
import { ERR } from './numerics.js';
import type { IrcSession } from './session.js';

/**
 * Answer a failed room call. `subject` is the nick (for name errors) or the channel (for
 * messages). Name refusals get 432/433 and the room's reason as a NOTICE (the numerics' fixed
 * texts say nothing about *why* a name is refused); an empty message gets 412; everything else,
 * flood control included, a NOTICE with the code and reason: a refusal is never silent.
 */
export function replyError(hub: IrcHub, session: IrcSession, err: unknown, subject: string = CHANNEL): void {
  let error: NetroomError;
  if (isNetroomError(err)) {
    error = err;
  } else {
    hub.log.error({ err, peer: session.peer }, 'irc request failed');
    session.notice('internal server error');
    return;
  }
  hub.ctx.metrics?.errors.inc({ door: 'irc', code: error.code });
  switch (error.code) {
    case 'NAME_TAKEN':
      session.reply(ERR.NICKNAMEINUSE, subject, 'Nickname is already in use');
      break;
    case 'BAD_NAME':
    case 'RESERVED_NAME':
      session.reply(ERR.ERRONEUSNICKNAME, subject, 'Erroneous nickname');
      break;
    case 'EMPTY_MESSAGE':
      session.reply(ERR.NOTEXTTOSEND, 'No text to send');
      return;
    default:
      break;
  }
  session.notice(errorText(hub.ctx.lang, error));
}
