// What PRIVMSG and NOTICE share: targets, #lobby messages into the room, and the refusals.
import { foldName } from '../../../core/names.js';
import { serialize, type IrcMessage } from '../codec.js';
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import { CHANNEL, fromIrcText, isLobby } from '../lines.js';
import { ERR } from '../numerics.js';
import type { IrcSession } from '../session.js';

/** Targets handled per message (advertised as MAXTARGETS). */
const MAX_TARGETS = 4;

/**
 * Say `text` in the room as this client. An operator's NOTICE to #lobby is an announcement
 * instead. Refusals (flood control, bad text) come back as a NOTICE or numeric, never silently.
 */
function toLobby(hub: IrcHub, session: IrcSession, verb: 'PRIVMSG' | 'NOTICE', text: string): void {
  const member = session.member;
  if (!member) return;
  if (!session.joined) {
    session.reply(ERR.CANNOTSENDTOCHAN, CHANNEL, `Cannot send to channel (JOIN ${CHANNEL} first)`);
    return;
  }
  const converted = fromIrcText(text);
  if (!converted.ok) {
    session.notice(`CTCP ${converted.ctcp} is not supported in ${CHANNEL}`);
    return;
  }
  try {
    if (verb === 'NOTICE' && session.oper) {
      hub.room.announce(converted.text);
    } else {
      hub.room.say(member, converted.text);
      session.lastSpoke = session.lastActivity;
      hub.countMessage();
    }
  } catch (err) {
    replyError(hub, session, err);
  }
}

/** PRIVMSG / NOTICE `targets :text`. Only #lobby carries messages: the room has no private ones. */
export function speak(hub: IrcHub, session: IrcSession, message: IrcMessage, verb: 'PRIVMSG' | 'NOTICE'): void {
  const [targets, text] = message.params;
  if (targets === undefined || targets === '') {
    session.reply(ERR.NORECIPIENT, `No recipient given (${verb})`);
    return;
  }
  if (text === undefined || text === '') {
    session.reply(ERR.NOTEXTTOSEND, 'No text to send');
    return;
  }
  const member = session.member;
  if (!member) return;
  // The same target twice (`#lobby,#LOBBY`) is one target: nothing is said twice.
  const unique = targets.includes(',') ? [...new Map(targets.split(',').map((t) => [foldName(t), t])).values()] : [targets];
  for (const target of unique.slice(0, MAX_TARGETS)) {
    if (isLobby(target)) {
      toLobby(hub, session, verb, text);
      continue;
    }
    if (target.startsWith('#') || target.startsWith('&')) {
      session.reply(ERR.NOSUCHCHANNEL, target, 'No such channel');
      continue;
    }
    const holder = hub.room.find(target);
    if (holder === undefined) {
      session.reply(ERR.NOSUCHNICK, target, 'No such nick/channel');
    } else if (holder === member) {
      // To oneself (clients use it, e.g. for lag checks): straight back.
      session.send(serialize({ source: session.source, command: verb, params: [member.name, text] }));
    } else {
      session.notice(`${holder.name} cannot get private messages: netroom has no private messages, talk in ${CHANNEL}`);
    }
  }
}
