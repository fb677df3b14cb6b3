// JOIN #a,#b [keys] and JOIN 0: enter rooms the chat allows; on success the JOIN echo (fan-out), topic, names, recent history.
import type { IrcHub } from '../hub.js';
import { replyError } from '../errors.js';
import { replayHistory } from '../history.js';
import type { IrcSession } from '../session.js';
import { sendNames } from './names.js';
import { partAll } from './part.js';
import { sendTopic } from './topic.js';
import { command } from './types.js';

/**
 * Join one room: the chat's fan-out echoes the JOIN (to this client too), then 332/333, 353/366 and
 * history. Returns the history read under way, if any (the command awaits it, see awaited.ts).
 */
export function joinRoom(hub: IrcHub, session: IrcSession, name: string, key: string | undefined): Promise<void> | undefined {
  const member = session.member;
  if (!member) return undefined;
  let result;
  try {
    result = hub.chat.join(member, name, key);
  } catch (err) {
    replyError(hub, session, err, { channel: name, verb: 'JOIN' });
    return undefined;
  }
  if (!result.joined) return undefined; // already there: like other servers, say nothing
  sendTopic(hub, session, result.room.name, false);
  sendNames(hub, session, result.room.name);
  return replayHistory(hub, session, result.room.name);
}

/** Join rooms in order; once one awaits its history, the rest follow it (each as part of the command's reply). */
function joinAll(hub: IrcHub, session: IrcSession, rooms: readonly (readonly [string, string | undefined])[]): Promise<void> | undefined {
  for (let i = 0; i < rooms.length; i++) {
    const [name, key] = rooms[i] as readonly [string, string | undefined];
    const replay = session.respond(() => joinRoom(hub, session, name, key));
    if (replay !== undefined) return replay.then(() => joinAll(hub, session, rooms.slice(i + 1)));
  }
  return undefined;
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
    const rooms: [string, string | undefined][] = [];
    channels.split(',').forEach((channel, i) => {
      if (channel === '') return;
      const key = keyList[i];
      rooms.push([channel, key === undefined || key === '' ? undefined : key]);
    });
    return joinAll(hub, session, rooms);
  },
  { minParams: 1 },
);
