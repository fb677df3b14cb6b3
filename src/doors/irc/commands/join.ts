// JOIN #a,#b [keys] and JOIN 0: enter rooms the chat allows; on success the JOIN echo (fan-out), topic, names, recent history.
import type { IrcHub } from '../hub.js';
import { replyError } from '../errors.js';
import { replayHistory } from '../history.js';
import type { IrcSession } from '../session.js';
import { sendNames } from './names.js';
import { partAll } from './part.js';
import { sendTopic } from './topic.js';
import { command } from './types.js';

/** Join one room: the chat's fan-out echoes the JOIN (to this client too), then 332/333, 353/366 and history. */
export function joinRoom(hub: IrcHub, session: IrcSession, name: string, key: string | undefined): void {
  const member = session.member;
  if (!member) return;
  let result;
  try {
    result = hub.chat.join(member, name, key);
  } catch (err) {
    replyError(hub, session, err, { channel: name, verb: 'JOIN' });
    return;
  }
  if (!result.joined) return; // already there: like other servers, say nothing
  sendTopic(hub, session, result.room.name, false);
  sendNames(hub, session, result.room.name);
  replayHistory(hub, session, result.room.name);
}

export const JOIN = command(
  (hub, session, message) => {
    const [channels = '', keys = ''] = message.params;
    // RFC 2812 3.2.1: JOIN 0 leaves every channel.
    if (channels === '0') {
      partAll(hub, session);
      return;
    }
    const keyList = keys.split(',');
    channels.split(',').forEach((channel, i) => {
      if (channel === '') return;
      const key = keyList[i];
      joinRoom(hub, session, channel, key === undefined || key === '' ? undefined : key);
    });
  },
  { minParams: 1 },
);
