// Chat errors to the IRC wire, in one place: the numeric IRC has for each (its text carrying the reason), else a NOTICE.
import { isNetroomError, type NetroomError } from '../../core/errors.js';
import { serialize } from './codec.js';
import { errorText } from '../../core/i18n.js';
import type { IrcHub } from './hub.js';
import { ERR } from './numerics.js';
import type { IrcSession } from './session.js';

/** Server-wide moderation verbs: a refusal is 481 ERR_NOPRIVILEGES. */
const OPER_VERBS: ReadonlySet<string> = new Set(['KILL', 'KLINE', 'UNKLINE', 'DLINE', 'UNDLINE']);

/** What the failed request was about: the channel and/or the nick it named. */
export interface ErrorSubject {
  readonly channel?: string;
  readonly nick?: string;
  /** The verb, for 404 vs 442 (messages to a room one is not in are 404 on IRC). */
  readonly verb?: string;
}

/**
 * Answer a failed chat call. `subject` is the nick (a string, for name errors) or what the
 * request named. Each code gets its numeric (RFC 2812 / modern.ircdocs.horse), with the chat's
 * reason as the trailing text where the numeric's own text says less; codes IRC has no numeric
 * for (flood control, text too long) get a NOTICE: a refusal is never silent.
 */
export function replyError(hub: IrcHub, session: IrcSession, err: unknown, subject: string | ErrorSubject = {}): void {
  let error: NetroomError;
  if (isNetroomError(err)) {
    error = err;
  } else {
    hub.log.error({ err, peer: session.peer }, 'irc request failed');
    session.notice('internal server error');
    return;
  }
  hub.ctx.metrics?.errors.inc({ door: 'irc', code: error.code });
  const about: ErrorSubject = typeof subject === 'string' ? { nick: subject } : subject;
  const channel = about.channel ?? String(error.params['room'] ?? '*');
  const nick = about.nick ?? String(error.params['name'] ?? '*');
  const why = errorText(hub.ctx.lang, error);
  // In a numeric's trailing text the reason alone reads better than the NOTICE form.
  const reason = hub.ctx.lang === 'zh' ? why : error.message;
  // A `#name` refused for its characters comes from the shared name rules as BAD_NAME.
  const code = error.code === 'BAD_NAME' && about.nick === undefined && about.channel !== undefined ? 'BAD_ROOM' : error.code;
  switch (code) {
    case 'NAME_TAKEN':
      return session.reply(ERR.NICKNAMEINUSE, nick, `Nickname is already in use: ${reason}`);
    case 'NAME_RESERVED':
      // What Ergo answers for a registered nick, and what clients handle (they try another nick).
      return session.reply(ERR.NICKNAMEINUSE, nick, `Nickname is registered to an account: ${reason} (SASL or PASS account:password)`);
    case 'BANNED':
      if (error.params['room'] !== undefined) return session.reply(ERR.BANNEDFROMCHAN, channel, `Cannot join channel (+b): ${reason}`);
      return session.reply(ERR.YOUREBANNEDCREEP, `You are banned from this server: ${reason}`);
    case 'MUTED':
      return session.reply(ERR.CANNOTSENDTOCHAN, about.channel ?? about.nick ?? channel, `Cannot send to channel: ${reason}`);
    case 'BAD_CREDENTIALS':
      return session.reply(ERR.PASSWDMISMATCH, `Password incorrect: ${reason}`);
    case 'BAD_NAME':
    case 'RESERVED_NAME':
      return session.reply(ERR.ERRONEUSNICKNAME, nick, `Erroneous nickname: ${reason}`);
    case 'EMPTY_MESSAGE':
      return session.reply(ERR.NOTEXTTOSEND, 'No text to send');
    case 'BAD_ROOM':
      // Not a channel name at all (no `#`) is 403; a `#name` the rules refuse is 479.
      return channel.startsWith('#') ? session.reply(ERR.BADCHANNAME, channel, `Illegal channel name: ${reason}`) : session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
    case 'NO_SUCH_ROOM':
      return session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
    case 'PERMISSION_DENIED':
      if (about.verb !== undefined && OPER_VERBS.has(about.verb)) return session.reply(ERR.NOPRIVILEGES, `Permission Denied- You're not an IRC operator: ${reason}`);
      return session.reply(ERR.NOSUCHCHANNEL, channel, `No such channel: ${reason}`);
    case 'NO_SUCH_MEMBER':
      return session.reply(ERR.NOSUCHNICK, nick, 'No such nick/channel');
    case 'TOO_MANY_ROOMS':
      return session.reply(ERR.TOOMANYCHANNELS, channel, 'You have joined too many channels');
    case 'ROOM_FULL':
      return session.reply(ERR.CHANNELISFULL, channel, 'Cannot join channel (+l)');
    case 'INVITE_ONLY':
      return session.reply(ERR.INVITEONLYCHAN, channel, 'Cannot join channel (+i)');
    case 'BAD_KEY':
      if (about.verb === 'MODE') return session.reply(ERR.INVALIDMODEPARAM, channel, 'k', '*', reason);
      return session.reply(ERR.BADCHANNELKEY, channel, 'Cannot join channel (+k)');
    case 'NOT_OPERATOR':
      return session.reply(ERR.CHANOPRIVSNEEDED, channel, "You're not channel operator");
    case 'MODERATED':
      return session.reply(ERR.CANNOTSENDTOCHAN, channel, 'Cannot send to channel (+m)');
    case 'NOT_IN_ROOM':
      if (about.verb === 'PRIVMSG' || about.verb === 'NOTICE') return session.reply(ERR.CANNOTSENDTOCHAN, channel, 'Cannot send to channel (+n)');
      if (error.params['name'] !== undefined && error.params['room'] !== undefined) return session.reply(ERR.USERNOTINCHANNEL, nick, channel, "They aren't on that channel");
      return session.reply(ERR.NOTONCHANNEL, channel, "You're not on that channel");
    case 'ALREADY_IN_ROOM':
      return session.reply(ERR.USERONCHANNEL, nick, channel, 'is already on channel');
    case 'BAD_REQUEST':
      if (about.verb === 'MODE') return session.reply(ERR.INVALIDMODEPARAM, channel, String(error.params['mode'] ?? 'l'), '*', reason);
      break;
    default:
      break;
  }
  session.notice(why);
}

/**
 * An IRCv3 standard reply `FAIL <command> <code> [context...] :text` from the server (standard-replies),
 * counted like the numerics above.
 */
export function replyFail(hub: IrcHub, session: IrcSession, command: string, code: string, context: readonly string[], text: string): void {
  hub.ctx.metrics?.errors.inc({ door: 'irc', code });
  session.send(serialize({ source: hub.settings.serverName, command: 'FAIL', params: [command, code, ...context, text] }));
}
