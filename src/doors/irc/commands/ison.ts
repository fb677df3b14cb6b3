// ISON: which of the given nicks are connected (any door), as the chat spells them.
import { RPL } from '../numerics.js';
import { command } from './types.js';

export const ISON = command(
  (hub, session, message) => {
    const present: string[] = [];
    for (const param of message.params) {
      for (const nick of param.split(' ')) {
        const member = nick === '' ? undefined : hub.chat.find(nick);
        if (member && !present.includes(member.name)) present.push(member.name);
      }
    }
    session.reply(RPL.ISON, present.join(' '));
  },
  { minParams: 1 },
);
