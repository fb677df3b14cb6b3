// What several verbs show about a member (WHO, WHOIS, USERHOST): user, host, real name, away, operator.
import type { Member } from '../../../core/room.js';
import type { IrcHub } from '../hub.js';
import { hostOf } from '../lines.js';

/** How a member looks to IRC, whichever door they came through. */
export interface MemberView {
  readonly user: string;
  readonly host: string;
  readonly realname: string;
  readonly away: string | undefined;
  readonly oper: boolean;
}

/** An IRC member as its client registered; anyone else as `name!name@door.netroom`, "netroom DOOR member". */
export function viewOf(hub: IrcHub, member: Member): MemberView {
  const session = hub.sessionOf(member);
  if (session) return { user: session.user, host: hostOf('irc'), realname: session.realname, away: session.away, oper: session.oper };
  return { user: member.name, host: hostOf(member.door), realname: `netroom ${member.door} member`, away: undefined, oper: false };
}

/** Seconds since the epoch, as IRC numerics (329, 333, 317) give times. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}
