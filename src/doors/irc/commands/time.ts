// TIME: the server's local time (RFC 2812 3.4.6, 391).
import { RPL } from '../numerics.js';
import { command } from './types.js';

export const TIME = command((hub, session) => {
  const now = new Date();
  session.reply(RPL.TIME, hub.settings.serverName, String(Math.floor(now.getTime() / 1000)), '0', now.toUTCString());
});
