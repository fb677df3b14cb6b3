// NAMES [#a,#b]: 353 lines packed to fit 512 bytes (@/+ prefixes, multi-prefix, userhost-in-names), then 366; secret rooms only to members.
import { MAX_BODY_BYTES } from '../codec.js';
import type { IrcHub } from '../hub.js';
import { RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { commaList, maySee, prefixOf } from './shared.js';
import { command } from './types.js';

/** 353 `= #room :names...` (as many lines as needed; `@` marks a secret room) and 366 (unless `end` is false). */
export function sendNames(hub: IrcHub, session: IrcSession, room: string, end = true): void {
  const info = hub.chat.room(room);
  const name = info?.name ?? room;
  if (info && maySee(hub, session, name)) {
    const symbol = info.modes.secret ? '@' : '=';
    const head = `:${hub.settings.serverName} ${RPL.NAMREPLY} ${session.target} ${symbol} ${name} :`;
    const budget = MAX_BODY_BYTES - Buffer.byteLength(head);
    let line = '';
    let bytes = 0;
    for (const member of hub.chat.members(name)) {
      let entry = prefixOf(hub.chat.standing(name, member), session.multiPrefix) + member.name;
      if (session.userhostInNames) entry = prefixOf(hub.chat.standing(name, member), session.multiPrefix) + hub.sourceOf(member);
      const size = Buffer.byteLength(entry);
      if (bytes > 0 && bytes + 1 + size > budget) {
        session.send(head + line);
        line = '';
        bytes = 0;
      }
      line = bytes === 0 ? entry : `${line} ${entry}`;
      bytes += (bytes === 0 ? 0 : 1) + size;
    }
    if (bytes > 0) session.send(head + line);
  }
  if (end) session.reply(RPL.ENDOFNAMES, name, 'End of /NAMES list.');
}

export const NAMES = command((hub, session, message) => {
  const channels = commaList(message.params[0]);
  if (channels.length === 0) {
    // Without a channel: every room this client is in (listing the whole server is not useful).
    const member = session.member;
    for (const room of member ? hub.chat.roomsOf(member) : []) sendNames(hub, session, room);
    if (!member || hub.chat.roomsOf(member).length === 0) session.reply(RPL.ENDOFNAMES, '*', 'End of /NAMES list.');
    return;
  }
  // Several rooms: their 353s, then one 366 naming the list as given (modern.ircdocs.horse).
  for (const channel of channels) sendNames(hub, session, channel, channels.length === 1);
  if (channels.length > 1) session.reply(RPL.ENDOFNAMES, message.params[0] ?? '*', 'End of /NAMES list.');
});
