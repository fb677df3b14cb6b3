// What PRIVMSG and NOTICE share: targets (TARGMAX), room messages (chat.say), direct messages (chat.dm), and the refusals.
import { serialize, type IrcMessage } from '../codec.js';
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import { fromIrcText } from '../lines.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { MAX_TARGETS } from '../welcome.js';
import { command } from './types.js';

type Verb = 'PRIVMSG' | 'NOTICE';

/**
 * One target. `#room`: chat.say; a nick (any door): chat.dm; `$*` from an operator: an
 * announcement to everyone. A NOTICE never gets an error back (RFC 2812 3.3.2: no automatic
 * replies to a NOTICE), so a failed one is dropped; a PRIVMSG's failure gets its numeric.
 */
function sayTo(hub: IrcHub, session: IrcSession, verb: Verb, target: string, text: string): void {
  const member = session.member;
  if (!member) return;
  const notice = verb === 'NOTICE';
  const converted = fromIrcText(text);
  if (!converted.ok) {
    if (!notice) session.notice(`CTCP ${converted.ctcp} is not supported: netroom carries text and actions only`);
    return;
  }
  try {
    if (target === '$*' && session.oper) {
      hub.chat.announce(converted.text);
      return;
    }
    if (target.startsWith('#')) {
      hub.chat.say(member, target, converted.text, notice ? { notice: true } : {});
    } else {
      const to = hub.chat.dm(member, target, converted.text, notice ? { notice: true } : {});
      const away = notice || to === member ? null : hub.chat.awayOf(to);
      if (away !== null) session.reply(RPL.AWAY, to.name, away);
    }
    session.lastSpoke = session.lastActivity;
    hub.countMessage();
  } catch (err) {
    if (!notice) replyError(hub, session, err, target.startsWith('#') ? { channel: target, verb } : { nick: target, verb });
  }
}

/** PRIVMSG / NOTICE `targets :text`: each distinct target once, at most MAX_TARGETS (407 beyond). */
export function speak(hub: IrcHub, session: IrcSession, message: IrcMessage, verb: Verb): void {
  const [targets, text] = message.params;
  if (targets === undefined || targets === '') {
    if (verb === 'PRIVMSG') session.reply(ERR.NORECIPIENT, `No recipient given (${verb})`);
    return;
  }
  if (text === undefined || text === '') {
    if (verb === 'PRIVMSG') session.reply(ERR.NOTEXTTOSEND, 'No text to send');
    return;
  }
  const list = targets.split(',').filter((t) => t !== '');
  const unique = list.length > 1 ? [...new Map(list.map((t) => [t.toLowerCase(), t])).values()] : list;
  unique.forEach((target, i) => {
    if (i < MAX_TARGETS) sayTo(hub, session, verb, target, text);
    else if (verb === 'PRIVMSG') session.reply(ERR.TOOMANYTARGETS, target, `Too many targets (at most ${MAX_TARGETS})`);
  });
}

/** A line back to the sender only (a TAGMSG to oneself, say). */
export function echoOnly(session: IrcSession, verb: string, params: string[]): void {
  session.send(serialize({ source: session.source, command: verb, params }));
}

export const PRIVMSG = command((hub, session, message) => speak(hub, session, message, 'PRIVMSG'));
export const NOTICE = command((hub, session, message) => speak(hub, session, message, 'NOTICE'));
