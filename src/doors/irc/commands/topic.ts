// TOPIC #room [:text]: query (332/333, or 331) or set (+t: operators only); the TOPIC line comes from the fan-out.
import { replyError } from '../errors.js';
import type { IrcHub } from '../hub.js';
import { ERR, RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { maySee, unixSeconds } from './shared.js';
import { command } from './types.js';

/** 332 + 333 when the room has a topic; else 331 (asked) or nothing (on JOIN). */
export function sendTopic(hub: IrcHub, session: IrcSession, room: string, asked: boolean): void {
  const info = hub.chat.room(room);
  if (!info) return;
  if (info.topic === '') {
    if (asked) session.reply(RPL.NOTOPIC, info.name, 'No topic is set');
    return;
  }
  session.reply(RPL.TOPIC, info.name, info.topic);
  session.reply(RPL.TOPICWHOTIME, info.name, info.topicBy ?? hub.settings.serverName, unixSeconds(info.topicAt ?? info.createdAt));
}

export const TOPIC = command(
  (hub, session, message) => {
    const [channel = '', topic] = message.params;
    const member = session.member;
    const info = hub.chat.room(channel);
    if (!member || !info || !maySee(hub, session, channel)) {
      session.reply(ERR.NOSUCHCHANNEL, channel, 'No such channel');
      return;
    }
    if (topic === undefined) {
      sendTopic(hub, session, info.name, true);
      return;
    }
    try {
      hub.chat.setTopic(member, info.name, topic);
    } catch (err) {
      replyError(hub, session, err, { channel: info.name, verb: 'TOPIC' });
    }
  },
  { minParams: 1 },
);
