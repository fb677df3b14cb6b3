// PART #a,#b [:reason]: leave rooms; the PART line (to the room and this client) comes from the fan-out.
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import type { IrcSession } from '../session.js';
import { commaList } from './shared.js';
import { command } from './types.js';

/** Leave every room (JOIN 0). */
export function partAll(hub: IrcHub, session: IrcSession): void {
  const member = session.member;
  if (!member) return;
  for (const room of hub.chat.roomsOf(member)) hub.chat.part(member, room);
}

export const PART = command(
  (hub, session, message) => {
    const [channels, reason] = message.params;
    const member = session.member;
    if (!member) return;
    for (const channel of commaList(channels)) {
      try {
        hub.chat.part(member, channel, reason === undefined || reason === '' ? undefined : reason);
      } catch (err) {
        replyError(hub, session, err, { channel, verb: 'PART' });
      }
    }
  },
  { minParams: 1 },
);
