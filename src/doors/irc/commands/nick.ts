// NICK: the nick is the chat name. Before 001 it is checked and held; after, a change is chat.rename (NICK to room mates and self).
import { NetroomError } from '../../../core/errors.js';
import { checkName } from '../../../core/names.js';
import { replyError } from '../errors.js';
import { ERR } from '../numerics.js';
import { command } from './types.js';

export const NICK = command(
  (hub, session, message) => {
    const raw = message.params[0];
    if (raw === undefined || raw === '') {
      session.reply(ERR.NONICKNAMEGIVEN, 'No nickname given');
      return;
    }
    let name: string;
    try {
      name = checkName(raw);
    } catch (err) {
      replyError(hub, session, err, raw);
      return;
    }
    const holder = hub.chat.find(name);
    const current = session.member;
    if (holder !== undefined && holder !== current) {
      replyError(hub, session, new NetroomError('NAME_TAKEN', `the name ${name} is already in use`, { name }), name);
      return;
    }
    if (!current) {
      // Held, not claimed: the chat decides at registration (someone may take it meanwhile -> 433 then).
      session.nick = name;
      hub.tryRegister(session);
      return;
    }
    if (name === current.name) return;
    const wait = session.lastNickChange + hub.settings.nickChangeIntervalMs - Date.now();
    if (wait > 0) {
      // Every room mate on every door hears each change: not more often than this.
      session.reply(ERR.NICKTOOFAST, name, `Nick change too fast. Please wait ${Math.ceil(wait / 1000)} seconds.`);
      return;
    }
    hub.rename(session, name);
  },
  { beforeRegistration: true },
);
