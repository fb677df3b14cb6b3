// MODE: channel queries (324/329, 367/368 for the ban list) and changes (+t +s +i +m +k +l +o +v through chat.setModes, +b/-b through moderation); user modes +i +w.
import type { ModeRequest } from '../../../core/chat/modes.js';
import { describeModes } from '../../../core/chat/modes.js';
import { foldName } from '../../../core/names.js';
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { MAX_MODES } from '../welcome.js';
import { changeBan, sendBanList } from './bans.js';
import { unixSeconds } from './shared.js';
import { command } from './types.js';

/** User modes a client may set on itself; `o` comes from OPER and can only be dropped. */
const SETTABLE = new Set(['i', 'w']);
/** Room modes by ISUPPORT CHANMODES type: flags, argument to set only (l), argument always (k, o, v, and b when given). */
const FLAGS = new Set(['i', 'm', 'n', 's', 't']);
const ALWAYS_ARG = new Set(['k', 'o', 'v']);

function userModes(session: IrcSession): string {
  const modes = [...session.modes];
  if (session.oper) modes.push('o');
  return '+' + modes.sort().join('');
}

/** Parse `+tk-l key` into requests; unknown letters get 472 and are skipped; a ban list query answers 368. */
function channelMode(hub: IrcHub, session: IrcSession, channel: string, change: string | undefined, args: readonly string[]): void {
  const info = hub.chat.room(channel);
  const member = session.member;
  if (!info || !member) {
    session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
    return;
  }
  const room = info.name;
  if (change === undefined) {
    // The key only to members (RPL_CHANNELMODEIS shows it to them, `*` to others... netroom: members and admins).
    const inside = hub.chat.standing(room, member) !== undefined || hub.chat.isAdmin(member);
    const { change: modes, args: modeArgs } = describeModes(info.modes, inside);
    session.reply(RPL.CHANNELMODEIS, room, modes, ...modeArgs);
    session.reply(RPL.CREATIONTIME, room, unixSeconds(info.createdAt));
    return;
  }
  const requests: ModeRequest[] = [];
  let on = true;
  let next = 0;
  let withArg = 0;
  let banList = false;
  const bans: { on: boolean; mask: string }[] = [];
  for (const letter of change) {
    if (letter === '+' || letter === '-') {
      on = letter === '+';
      continue;
    }
    if (letter === 'b') {
      // A list mode (CHANMODES type A): without an argument, a query of the list.
      const mask = args[next];
      if (mask === undefined) banList = true;
      else {
        next++;
        if (++withArg <= MAX_MODES) bans.push({ on, mask });
      }
      continue;
    }
    if (FLAGS.has(letter)) {
      requests.push({ mode: letter, on });
      continue;
    }
    if (ALWAYS_ARG.has(letter) || (letter === 'l' && on)) {
      const arg = args[next];
      if (arg === undefined) {
        // `-k` without the key is fine; anything else without its argument is 696 (modern) ... or ignored.
        if (letter === 'k' && !on) requests.push({ mode: 'k', on: false });
        else session.reply(ERR.NEEDMOREPARAMS, 'MODE', 'Not enough parameters');
        continue;
      }
      next++;
      if (++withArg > MAX_MODES) continue;
      requests.push({ mode: letter, on, arg });
      continue;
    }
    if (letter === 'l') {
      requests.push({ mode: 'l', on: false });
      continue;
    }
    session.reply(ERR.UNKNOWNMODE, letter, 'is unknown mode char to me');
  }
  if (banList) sendBanList(hub, session, room);
  for (const ban of bans) changeBan(hub, session, room, ban.on, ban.mask);
  if (requests.length === 0) return;
  try {
    hub.chat.setModes(member, room, requests);
  } catch (err) {
    replyError(hub, session, err, { channel: room, verb: 'MODE' });
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
    const [target = '', change, ...args] = message.params;
    if (target.startsWith('#')) {
      channelMode(hub, session, target, change, args);
      return;
    }
    const member = session.member;
    let key: string | undefined;
    try {
      key = foldName(target.normalize('NFC'));
    } catch {
      key = undefined;
    }
    if (!member || key !== member.key) {
      if (hub.chat.find(target)) session.reply(ERR.USERSDONTMATCH, "Can't change mode for other users");
      else session.reply(ERR.NOSUCHNICK, target, 'No such nick/channel');
      return;
    }
    if (change === undefined) session.reply(RPL.UMODEIS, userModes(session));
    else ownMode(session, change);
  },
  { minParams: 1 },
);
