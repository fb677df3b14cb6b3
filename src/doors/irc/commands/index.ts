// The typed dispatch map: verb -> handler. One file per verb beside this one.
import { AUTHENTICATE } from './authenticate.js';
import { AWAY } from './away.js';
import { CAP } from './cap.js';
import { CHATHISTORY } from './chathistory.js';
import { INVITE } from './invite.js';
import { INFO } from './info.js';
import { ISON } from './ison.js';
import { JOIN } from './join.js';
import { KICK } from './kick.js';
import { KILL } from './kill.js';
import { DLINE, KLINE, UNDLINE, UNKLINE } from './kline.js';
import { LIST } from './list.js';
import { LUSERS } from './lusers.js';
import { MODE } from './mode.js';
import { MOTD } from './motd.js';
import { NAMES } from './names.js';
import { NICK } from './nick.js';
import { NOTICE } from './notice.js';
import { OPER } from './oper.js';
import { PART } from './part.js';
import { PASS } from './pass.js';
import { PING } from './ping.js';
import { PONG } from './pong.js';
import { PRIVMSG } from './privmsg.js';
import { QUIT } from './quit.js';
import { REDACT } from './redact.js';
import { TAGMSG } from './tagmsg.js';
import { TIME } from './time.js';
import { TOPIC } from './topic.js';
import type { CommandSpec } from './types.js';
import { USER } from './user.js';
import { USERHOST } from './userhost.js';
import { WALLOPS } from './wallops.js';
import { WHO } from './who.js';
import { WHOIS } from './whois.js';
import { WHOWAS } from './whowas.js';

const TABLE = {
  AUTHENTICATE,
  AWAY,
  CAP,
  CHATHISTORY,
  DLINE,
  INVITE,
  INFO,
  ISON,
  JOIN,
  KICK,
  KILL,
  KLINE,
  LIST,
  LUSERS,
  MODE,
  MOTD,
  NAMES,
  NICK,
  NOTICE,
  OPER,
  PART,
  PASS,
  PING,
  PONG,
  PRIVMSG,
  QUIT,
  REDACT,
  TAGMSG,
  TIME,
  TOPIC,
  UNDLINE,
  UNKLINE,
  USER,
  USERHOST,
  WALLOPS,
  WHO,
  WHOIS,
  WHOWAS,
} as const satisfies Record<string, CommandSpec>;

/** The verbs the door understands. */
export type Verb = keyof typeof TABLE;

/** Verb (upper case) -> its spec. A Map, so no client-sent name can reach an object's prototype. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(Object.entries(TABLE));
