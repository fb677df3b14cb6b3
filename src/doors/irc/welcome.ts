// The registration burst (RFC 2812 5.1: 001-004, plus 005 ISUPPORT) and the message of the day (375/372/376).
import { VERSION } from '../../cli/version.js';
import { MAX_NAME_LENGTH } from '../../core/names.js';
import type { IrcHub } from './hub.js';
import { CHANNEL } from './lines.js';
import { ERR, RPL } from './numerics.js';
import type { IrcSession } from './session.js';

/** Longest AWAY text kept (advertised as AWAYLEN). */
export const AWAY_LENGTH = 200;

/**
 * ISUPPORT tokens (modern.ircdocs.horse RPL_ISUPPORT). CASEMAPPING=rfc8265: the room folds case
 * and normalises as RFC 8265 does (PRECIS UsernameCaseMapped, also what Ergo advertises for UTF-8
 * nicks), width included, and then also maps look-alike letters (core/skeleton.ts). No token says
 * the latter; rfc8265 is the part a client can apply itself, and `ascii` or `rfc1459` would be
 * wrong: the room treats "Ä" and "ä" as one name, and "[" and "{" as two. A client may think two
 * look-alike nicks differ; the room's answer (433) is the one that counts.
 * NICKLEN counts characters, as the room does. CLIENTTAGDENY=*: message-tags is offered (clients
 * may send tags, and get server-time), but no client-only tag is relayed: the room carries text only.
 */
export function isupportTokens(): string[] {
  return [
    'AWAYLEN=' + AWAY_LENGTH,
    'CASEMAPPING=rfc8265',
    'CHANLIMIT=#:1',
    'CLIENTTAGDENY=*',
    'CHANMODES=b,,,nt',
    'CHANNELLEN=32',
    'CHANTYPES=#',
    'MAXTARGETS=4',
    'NETWORK=netroom',
    `NICKLEN=${MAX_NAME_LENGTH}`,
    'PREFIX=(ov)@+',
    'TOPICLEN=390',
  ];
}

/** 001-005 and the MOTD, sent once the client is in the room. */
export function sendWelcome(hub: IrcHub, session: IrcSession): void {
  const { serverName } = hub.settings;
  const version = `netroom-${VERSION}`;
  session.reply(RPL.WELCOME, `Welcome to netroom, ${session.source}: the room is ${CHANNEL}, /join ${CHANNEL}`);
  session.reply(RPL.YOURHOST, `Your host is ${serverName}, running version ${version}`);
  session.reply(RPL.CREATED, `This server was created ${new Date(hub.createdAt).toUTCString()}`);
  session.reply(RPL.MYINFO, serverName, version, 'iow', 'bnot', 'bov');
  session.reply(RPL.ISUPPORT, ...isupportTokens(), 'are supported by this server');
  sendMotd(hub, session);
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
