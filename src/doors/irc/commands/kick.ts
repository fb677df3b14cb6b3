// KICK #room nick[,nick] [:reason] (RFC 2812 3.2.8): the room's operators and administrators remove members; KICK lines come from the fan-out.
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import { ERR } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { MAX_TARGETS } from '../welcome.js';
import { moderatorOf } from './moderator.js';
import { commaList } from './shared.js';
import { command } from './types.js';

function kickOne(hub: IrcHub, session: IrcSession, channel: string, nick: string, reason: string): void {
  const member = session.member;
  if (!member) return;
  try {
    if (hub.chat.room(channel) === undefined) {
      session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
      return;
    }
    if (hub.ctx.moderation) hub.ctx.moderation.kick(moderatorOf(member), channel, nick, reason);
    else hub.chat.kick(member, channel, nick, reason);
  } catch (err) {
    replyError(hub, session, err, { channel, nick, verb: 'KICK' });
  }
}

export const KICK = command(
  (hub, session, message) => {
    const [channels, nicks, reason = ''] = message.params;
    const rooms = commaList(channels);
    const targets = commaList(nicks).slice(0, MAX_TARGETS);
    // One channel for every nick, or as many channels as nicks, paired (RFC 2812 3.2.8).
    if (rooms.length === 0 || targets.length === 0 || (rooms.length !== 1 && rooms.length !== targets.length)) {
      session.reply(ERR.NEEDMOREPARAMS, 'KICK', 'Not enough parameters');
      return;
    }
    targets.forEach((nick, i) => kickOne(hub, session, rooms.length === 1 ? rooms[0]! : rooms[i]!, nick, reason));
  },
  { minParams: 2 },
);
