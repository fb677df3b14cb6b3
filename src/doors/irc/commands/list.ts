// LIST: the one channel, with the room's size and the topic (321/322/323).
import { CHANNEL } from '../lines.js';
import { RPL } from '../numerics.js';
import { command } from './types.js';

export const LIST = command((hub, session) => {
  session.reply(RPL.LISTSTART, 'Channel', 'Users  Name');
  session.reply(RPL.LIST, CHANNEL, String(hub.room.size), hub.settings.topic);
  session.reply(RPL.LISTEND, 'End of /LIST');
});
