// USERHOST: up to five `nick[*]=+|-user@host` entries (RFC 2812 4.8).
import { RPL } from '../numerics.js';
import { viewOf } from './shared.js';
import { command } from './types.js';

export const USERHOST = command(
  (hub, session, message) => {
    const replies: string[] = [];
    for (const nick of message.params.slice(0, 5)) {
      const member = hub.chat.find(nick);
      if (!member) continue;
      const view = viewOf(hub, member);
      replies.push(`${member.name}${view.oper ? '*' : ''}=${view.away === null ? '+' : '-'}${view.user}@${view.host}`);
    }
    session.reply(RPL.USERHOST, replies.join(' '));
  },
  { minParams: 1 },
);
