// JOIN: #lobby is the one channel. Joining shows it (echo, topic, names, recent history); others get 403.
import type { IrcHub } from '../hub.js';
import { replayHistory } from '../history.js';
import { CHANNEL, isLobby } from '../lines.js';
import { ERR } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { sendNames } from './names.js';
import { partLobby } from './part.js';
import { sendTopic } from './topic.js';
import { command } from './types.js';

/** JOIN #lobby: the echo with the full source, 332/333 (or 331), 353/366, then history with server-time. */
export function joinLobby(hub: IrcHub, session: IrcSession): void {
  if (!hub.join(session)) return; // already there: like other servers, say nothing
  session.send(`:${session.source} JOIN ${CHANNEL}`);
  sendTopic(hub, session);
  sendNames(hub, session);
  replayHistory(hub, session);
}

export const JOIN = command(
  (hub, session, message) => {
    const channels = message.params[0] ?? '';
    // RFC 2812 3.2.1: JOIN 0 leaves every channel.
    if (channels === '0') {
      partLobby(hub, session, undefined);
      return;
    }
    for (const channel of channels.split(',')) {
      // 403 rather than 405 (too many channels) or 479 (bad name): the channel does not exist and
      // cannot be created, whatever its name; CHANLIMIT=#:1 in 005 tells clients as much up front.
      if (isLobby(channel)) joinLobby(hub, session);
      else session.reply(ERR.NOSUCHCHANNEL, channel, `No such channel (netroom has one: ${CHANNEL})`);
    }
  },
  { minParams: 1 },
);
