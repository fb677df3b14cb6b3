// TOPIC: the channel's topic is fixed by the server (the room has none of its own to change).
import { CHANNEL, isLobby } from '../lines.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcHub } from '../hub.js';
import type { IrcSession } from '../session.js';
import { unixSeconds } from './shared.js';
import { command } from './types.js';

/** 332 + 333 (topic, set by the server at start), or 331 when the topic is empty. */
export function sendTopic(hub: IrcHub, session: IrcSession): void {
  const { topic, serverName } = hub.settings;
  if (topic === '') {
    session.reply(RPL.NOTOPIC, CHANNEL, 'No topic is set');
    return;
  }
  session.reply(RPL.TOPIC, CHANNEL, topic);
  session.reply(RPL.TOPICWHOTIME, CHANNEL, serverName, unixSeconds(hub.createdAt));
}

export const TOPIC = command(
  (hub, session, message) => {
    const [channel = '', topic] = message.params;
    if (!isLobby(channel)) {
      session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
      return;
    }
    if (topic === undefined) sendTopic(hub, session);
    else session.reply(ERR.CHANOPRIVSNEEDED, CHANNEL, `The topic of ${CHANNEL} is set by the server`);
  },
  { minParams: 1 },
);
