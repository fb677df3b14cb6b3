// PART: stop seeing #lobby. The nick stays in the room (and reserved) until QUIT or disconnect.
import { serialize } from '../codec.js';
import type { IrcHub } from '../hub.js';
import { CHANNEL, isLobby } from '../lines.js';
import { ERR } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { command } from './types.js';

/** Leave #lobby (for this client's eyes only: the room still has the member); false if not on it. */
export function partLobby(hub: IrcHub, session: IrcSession, reason: string | undefined): boolean {
  if (!hub.part(session)) return false;
  const params = reason === undefined || reason === '' ? [CHANNEL] : [CHANNEL, reason];
  session.send(serialize({ source: session.source, command: 'PART', params }));
  return true;
}

export const PART = command(
  (hub, session, message) => {
    const [channels = '', reason] = message.params;
    for (const channel of channels.split(',')) {
      if (!isLobby(channel)) session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
      else if (!partLobby(hub, session, reason)) session.reply(ERR.NOTONCHANNEL, CHANNEL, "You're not on that channel");
    }
  },
  { minParams: 1 },
);
