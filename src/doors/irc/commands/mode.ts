// MODE: queries (324/329 channel, 368 ban list, 221 user); +i/+w on oneself accepted; channel modes are fixed.
import { foldName } from '../../../core/names.js';
import type { IrcHub } from '../hub.js';
import { CHANNEL, isLobby } from '../lines.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { unixSeconds } from './shared.js';
import { command } from './types.js';

/** User modes a client may set on itself; `o` comes from OPER and can only be dropped. */
const SETTABLE = new Set(['i', 'w']);

function userModes(session: IrcSession): string {
  const modes = [...session.modes];
  if (session.oper) modes.push('o');
  return '+' + modes.sort().join('');
}

function channelMode(hub: IrcHub, session: IrcSession, channel: string, change: string | undefined): void {
  if (!isLobby(channel)) {
    session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
  } else if (change === undefined) {
    session.reply(RPL.CHANNELMODEIS, CHANNEL, '+nt');
    session.reply(RPL.CREATIONTIME, CHANNEL, unixSeconds(hub.createdAt));
  } else if (change === 'b' || change === '+b') {
    session.reply(RPL.ENDOFBANLIST, CHANNEL, 'End of channel ban list');
  } else {
    session.reply(ERR.CHANOPRIVSNEEDED, CHANNEL, `The modes of ${CHANNEL} are fixed`);
  }
}

function ownMode(session: IrcSession, change: string): void {
  let sign: '+' | '-' = '+';
  let applied = '';
  let appliedSign = '';
  let unknown = false;
  for (const ch of change) {
    if (ch === '+' || ch === '-') {
      sign = ch;
      continue;
    }
    let changed = false;
    if (SETTABLE.has(ch)) {
      changed = sign === '+' ? !session.modes.has(ch) : session.modes.has(ch);
      if (sign === '+') session.modes.add(ch);
      else session.modes.delete(ch);
    } else if (ch === 'o') {
      // De-opering is allowed; +o only through OPER (and is silently ignored here, as servers do).
      changed = sign === '-' && session.oper;
      if (changed) session.oper = false;
    } else {
      unknown = true;
    }
    if (changed) {
      applied += (appliedSign === sign ? '' : sign) + ch;
      appliedSign = sign;
    }
  }
  if (unknown) session.reply(ERR.UMODEUNKNOWNFLAG, 'Unknown MODE flag');
  if (applied !== '') session.send(`:${session.source} MODE ${session.target} :${applied}`);
}

export const MODE = command(
  (hub, session, message) => {
    const [target = '', change] = message.params;
    if (target.startsWith('#') || target.startsWith('&')) {
      channelMode(hub, session, target, change);
      return;
    }
    const member = session.member;
    if (!member || foldName(target) !== member.key) {
      if (hub.room.find(target)) session.reply(ERR.USERSDONTMATCH, "Can't change mode for other users");
      else session.reply(ERR.NOSUCHNICK, target, 'No such nick/channel');
      return;
    }
    if (change === undefined) session.reply(RPL.UMODEIS, userModes(session));
    else ownMode(session, change);
  },
  { minParams: 1 },
);
