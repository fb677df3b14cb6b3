// LIST [#a,#b | >n | <n]: the occupied rooms this client may see, with member counts and topics (321/322/323); secret rooms only to members.
import { RPL } from '../numerics.js';
import { commaList } from './shared.js';
import { command } from './types.js';
import { roomKey } from '../../../core/chat/room-key.js';

export const LIST = command((hub, session, message) => {
  const filters = commaList(message.params[0]);
  const names = new Set<string>();
  let named = false;
  let min = -1;
  let max = Infinity;
  for (const filter of filters) {
    // ELIST=U: `>n` more than n members, `<n` fewer than n.
    if (/^>\d+$/u.test(filter)) min = Number(filter.slice(1));
    else if (/^<\d+$/u.test(filter)) max = Number(filter.slice(1));
    else if (filter.startsWith('#')) {
      named = true;
      try {
        names.add(roomKey(filter));
      } catch {
        // a name that cannot be a room matches nothing
      }
    }
  }
  session.reply(RPL.LISTSTART, 'Channel', 'Users  Name');
  for (const room of hub.chat.rooms(session.member)) {
    if (named && !names.has(room.key)) continue;
    // As IRC lists channels: the ones with someone in them (an empty room stays joinable by name).
    if (room.size === 0) continue;
    if (!(room.size > min && room.size < max)) continue;
    session.reply(RPL.LIST, room.name, String(room.size), room.topic);
  }
  session.reply(RPL.LISTEND, 'End of /LIST');
});
