// INFO: what this server is (RFC 2812 3.4.10: 371 lines, then 374).
import { VERSION } from '../../../cli/version.js';
import { RPL } from '../numerics.js';
import { command } from './types.js';

export const INFO = command((_hub, session) => {
  session.reply(RPL.INFO, `netroom ${VERSION}: chat rooms and a file library over HTTP, WebSocket, IRC, FTP and UDP`);
  session.reply(RPL.INFO, 'Rooms and direct messages are shared by every door; IRC is one of them.');
  session.reply(RPL.ENDOFINFO, 'End of INFO list');
});
