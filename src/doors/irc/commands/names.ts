// NAMES: everyone in the room (every door) is on #lobby; 353 lines packed to fit 512 bytes, then 366.
import { MAX_BODY_BYTES } from '../codec.js';
import type { IrcHub } from '../hub.js';
import { CHANNEL, isLobby } from '../lines.js';
import { RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { command } from './types.js';

/** 353 `= #lobby :names...` (as many lines as needed) and 366. No one holds a channel prefix: the room has no ranks. */
export function sendNames(hub: IrcHub, session: IrcSession): void {
  const head = `:${hub.settings.serverName} ${RPL.NAMREPLY} ${session.target} = ${CHANNEL} :`;
  const budget = MAX_BODY_BYTES - Buffer.byteLength(head);
  let line = '';
  let bytes = 0;
  for (const member of hub.room.who()) {
    const size = Buffer.byteLength(member.name);
    if (bytes > 0 && bytes + 1 + size > budget) {
      session.send(head + line);
      line = '';
      bytes = 0;
    }
    line = bytes === 0 ? member.name : `${line} ${member.name}`;
    bytes += (bytes === 0 ? 0 : 1) + size;
  }
  if (bytes > 0) session.send(head + line);
  session.reply(RPL.ENDOFNAMES, CHANNEL, 'End of /NAMES list.');
}

export const NAMES = command((hub, session, message) => {
  const channels = message.params[0];
  if (channels === undefined) {
    sendNames(hub, session);
    return;
  }
  for (const channel of channels.split(',')) {
    if (isLobby(channel)) sendNames(hub, session);
    else session.reply(RPL.ENDOFNAMES, channel, 'End of /NAMES list.');
  }
});
