// What several verbs show about a member (WHO, WHOIS, USERHOST, NAMES): user, host, real name, away, operator, channel prefixes.
import type { Member, RoomStanding } from '../../../core/chat/types.js';
import type { IrcHub } from '../hub.js';
import { hostOf } from '../lines.js';
import type { IrcSession } from '../session.js';

/** How a member looks to IRC, whichever door they came through. */
export interface MemberView {
  readonly user: string;
  readonly host: string;
  readonly realname: string;
  readonly away: string | null;
  readonly oper: boolean;
}

/** An IRC member as its client registered; anyone else as `name!name@door.netroom`, "netroom DOOR member". */
export function viewOf(hub: IrcHub, member: Member): MemberView {
  const { user, realname } = hub.identityOf(member);
  return { user, host: hostOf(member.door), realname, away: hub.chat.awayOf(member), oper: hub.chat.isAdmin(member) };
}

/** The channel prefix(es) of a standing: all of them with multi-prefix (IRCv3), else the highest. */
export function prefixOf(standing: RoomStanding | undefined, multi: boolean): string {
  if (!standing) return '';
  if (multi) return (standing.op ? '@' : '') + (standing.voice ? '+' : '');
  return standing.op ? '@' : standing.voice ? '+' : '';
}

/** Seconds since the epoch, as IRC numerics (329, 333, 317) give times. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** True when `session`'s member may see `room` in NAMES/LIST/WHO/WHOIS: not secret, or a member of it, or an administrator. */
export function maySee(hub: IrcHub, session: IrcSession, room: string): boolean {
  const info = hub.chat.room(room);
  if (!info) return false;
  if (!info.modes.secret) return true;
  const member = session.member;
  return member !== undefined && (hub.chat.standing(room, member) !== undefined || hub.chat.isAdmin(member));
}

/** Split a comma list, dropping empty items. */
export function commaList(param: string | undefined): string[] {
  return (param ?? '').split(',').filter((item) => item !== '');
}
