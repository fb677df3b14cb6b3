// PING: answered with PONG and the same token (RFC 2812 3.7.2); works before registration too.
import { serialize } from '../codec.js';
import { ERR } from '../numerics.js';
import { command } from './types.js';

export const PING = command(
  (hub, session, message) => {
    const token = message.params[0];
    if (token === undefined || token === '') {
      session.reply(ERR.NOORIGIN, 'No origin specified');
      return;
    }
    const server = hub.settings.serverName;
    session.send(serialize({ source: server, command: 'PONG', params: [server, token] }));
  },
  { beforeRegistration: true },
);
