// The registration burst (RFC 2812 5.1: 001-004, plus 005 ISUPPORT) and the message of the day (375/372/376).
import { VERSION } from '../../cli/version.js';
import { MAX_NAME_LENGTH } from '../../core/names.js';
import { CHANMODES } from '../../core/chat/modes.js';
import { MAX_ROOM_NAME_LENGTH } from '../../core/chat/room-key.js';
import type { IrcHub } from './hub.js';
import { ERR, RPL } from './numerics.js';
import type { IrcSession } from './session.js';

/** Longest AWAY text kept (advertised as AWAYLEN). */
export const AWAY_LENGTH = 200;
/** Targets one PRIVMSG/NOTICE/WHOIS may name (TARGMAX). */
export const MAX_TARGETS = 4;
/** Mode changes with an argument one MODE may carry (MODES). */
export const MAX_MODES = 4;
/** Most rows one CHATHISTORY request returns (CHATHISTORY token). */
export const CHATHISTORY_MAX = 100;

/**
 * ISUPPORT tokens (modern.ircdocs.horse RPL_ISUPPORT), each what the door really does.
 * CASEMAPPING=rfc8265: the chat folds case and normalises as RFC 8265 does (PRECIS
 * UsernameCaseMapped, also what Ergo advertises for UTF-8 nicks), width included, and then also
 * maps look-alike letters (core/skeleton.ts). No token says the latter; rfc8265 is the part a
 * client can apply itself, and `ascii` or `rfc1459` would be wrong: "Ä" and "ä" are one name, and
 * "[" and "{" two. Channel names fold the same way. NICKLEN and CHANNELLEN count characters, as
 * the chat does. CLIENTTAGDENY=*,-typing: clients may send tags (and get server-time and msgid),
 * but the only client-only tag relayed is `+typing` (the chat's typing indicator, every door). CHANMODES: b (the room's bans: masks and
 * `$a:account`, kept by the core's moderation), k, l, and the flags; n is always on.
 */
export function isupportTokens(hub: IrcHub): string[][] {
  return [
    [
      'AWAYLEN=' + AWAY_LENGTH,
      'CASEMAPPING=rfc8265',
      `CHANLIMIT=#:${hub.chat.maxRoomsPerMember}`,
      `CHANMODES=${CHANMODES.A},${CHANMODES.B},${CHANMODES.C},${CHANMODES.D}`,
      `CHANNELLEN=${MAX_ROOM_NAME_LENGTH}`,
      'CHANTYPES=#',
      `CHATHISTORY=${CHATHISTORY_MAX}`,
      'CLIENTTAGDENY=*,-typing',
      'ELIST=U',
      `MAXTARGETS=${MAX_TARGETS}`,
      `MODES=${MAX_MODES}`,
      'MSGREFTYPES=msgid,timestamp',
    ],
    [
      'NETWORK=netroom',
      `NICKLEN=${MAX_NAME_LENGTH}`,
      'PREFIX=(ov)@+',
      'SAFELIST',
      `TARGMAX=PRIVMSG:${MAX_TARGETS},NOTICE:${MAX_TARGETS},JOIN:,PART:,NAMES:,LIST:1,WHOIS:${MAX_TARGETS},WHOWAS:1,KICK:${MAX_TARGETS}`,
      `TOPICLEN=${hub.chat.maxTopicLength}`,
      'UTF8ONLY',
      'WHOX',
    ],
  ];
}

/** 001-005 and the MOTD, sent once the client is registered. */
export function sendWelcome(hub: IrcHub, session: IrcSession): void {
  const { serverName } = hub.settings;
  const version = `netroom-${VERSION}`;
  session.reply(RPL.WELCOME, `Welcome to netroom, ${session.source}: /list shows the rooms, /join #lobby to start`);
  session.reply(RPL.YOURHOST, `Your host is ${serverName}, running version ${version}`);
  session.reply(RPL.CREATED, `This server was created ${new Date(hub.createdAt).toUTCString()}`);
  session.reply(RPL.MYINFO, serverName, version, 'iow', 'biklmnostv', 'bklov');
  for (const tokens of isupportTokens(hub)) session.reply(RPL.ISUPPORT, ...tokens, 'are supported by this server');
  sendLusers(hub, session);
  sendMotd(hub, session);
}

/** LUSERS (RFC 2812 3.4.2): members connected (every door), operators, rooms, this server. */
export function sendLusers(hub: IrcHub, session: IrcSession): void {
  const users = hub.chat.size;
  const rooms = hub.chat.rooms().length;
  session.reply(RPL.LUSERCLIENT, `There are ${users} users and 0 invisible on 1 servers`);
  session.reply(RPL.LUSEROP, '0', 'operator(s) online');
  session.reply(RPL.LUSERCHANNELS, String(rooms), 'channels formed');
  session.reply(RPL.LUSERME, `I have ${users} clients and 0 servers`);
  hub.maxUsers = Math.max(hub.maxUsers, users);
  const max = hub.maxUsers;
  session.reply(RPL.LOCALUSERS, String(users), String(max), `Current local users ${users}, max ${max}`);
  session.reply(RPL.GLOBALUSERS, String(users), String(max), `Current global users ${users}, max ${max}`);
}

/** The message of the day, or 422 when there is none. */
export function sendMotd(hub: IrcHub, session: IrcSession): void {
  const { motd, serverName } = hub.settings;
  if (motd.length === 0) {
    session.reply(ERR.NOMOTD, 'MOTD File is missing');
    return;
  }
  session.reply(RPL.MOTDSTART, `- ${serverName} Message of the day - `);
  for (const line of motd) session.reply(RPL.MOTD, `- ${line}`);
  session.reply(RPL.ENDOFMOTD, 'End of /MOTD command.');
}
