// WHO #room | nick | mask [o] [%fields[,token]]: 352 per member (or 354 with IRCv3 WHOX fields), then 315.
import { foldName } from '../../../core/names.js';
import type { Member } from '../../../core/chat/types.js';
import type { IrcHub } from '../hub.js';
import { RPL } from '../numerics.js';
import type { IrcSession } from '../session.js';
import { maySee, prefixOf, viewOf } from './shared.js';
import { command } from './types.js';

/** A WHO mask as a matcher over folded names (`*` any run, `?` one character). */
function maskMatcher(mask: string): (member: Member) => boolean {
  let folded: string;
  try {
    folded = foldName(mask.normalize('NFC'));
  } catch {
    return () => false;
  }
  if (!/[*?]/u.test(mask)) return (member) => member.key === folded;
  // Fold each literal run on its own, so the wildcards survive the folding.
  const parts = mask.split(/([*?])/u).map((part) => {
    if (part === '*') return '.*';
    if (part === '?') return '.';
    if (part === '') return '';
    let key: string;
    try {
      key = foldName(part.normalize('NFC'));
    } catch {
      key = part.toLowerCase();
    }
    return key.replace(/[.+^${}()|[\]\\*?]/gu, '\\$&');
  });
  const re = new RegExp(`^${parts.join('')}$`, 'u');
  return (member) => re.test(member.key);
}

/** One WHO row: the room it is shown in (or `*`) and the member. */
interface Row {
  readonly channel: string;
  readonly member: Member;
}

/** WHOX (IRCv3): `%` then field letters, optionally `,token`. */
function parseWhox(flags: string): { fields: string; token: string } | null {
  if (!flags.includes('%')) return null;
  const spec = flags.slice(flags.indexOf('%') + 1);
  const comma = spec.indexOf(',');
  return comma < 0 ? { fields: spec, token: '0' } : { fields: spec.slice(0, comma), token: spec.slice(comma + 1) || '0' };
}

function statusOf(hub: IrcHub, session: IrcSession, row: Row): string {
  const view = viewOf(hub, row.member);
  // H(ere) or G(one), `*` for an operator, then the channel prefix(es) (RFC 2812 5.1 RPL_WHOREPLY).
  const standing = row.channel === '*' ? undefined : hub.chat.standing(row.channel, row.member);
  return (view.away === null ? 'H' : 'G') + (view.oper ? '*' : '') + prefixOf(standing, session.multiPrefix);
}

function sendRow(hub: IrcHub, session: IrcSession, row: Row, whox: { fields: string; token: string } | null): void {
  const view = viewOf(hub, row.member);
  // `*` for the server, as networks that hide their servers say: netroom is one server, and a
  // member of another door (web, UDP, terminal) is not on an IRC server at all.
  const server = '*';
  if (whox === null) {
    session.reply(RPL.WHOREPLY, row.channel, view.user, view.host, server, row.member.name, statusOf(hub, session, row), `0 ${view.realname}`);
    return;
  }
  const idle = (): string => {
    const other = hub.sessionOf(row.member);
    return String(other ? Math.max(0, Math.floor((Date.now() - other.lastSpoke) / 1000)) : 0);
  };
  const values: Record<string, () => string> = {
    t: () => whox.token,
    c: () => row.channel,
    u: () => view.user,
    i: () => '255.255.255.255',
    h: () => view.host,
    s: () => server,
    n: () => row.member.name,
    f: () => statusOf(hub, session, row),
    d: () => '0',
    l: idle,
    // WHOX `a`: the account name, `0` for a guest.
    a: () => row.member.account ?? '0',
    o: () => 'n/a',
    r: () => view.realname,
  };
  // Fields come out in this fixed order whatever order they were asked in (WHOX).
  const params = [...'tcuihsnfdlaor'].filter((f) => whox.fields.includes(f)).map((f) => values[f]!());
  session.reply(RPL.WHOSPCRPL, ...params);
}

export const WHO = command((hub, session, message) => {
  const [mask = '*', flags = ''] = message.params;
  const whox = parseWhox(flags);
  const opersOnly = !flags.startsWith('%') && flags.split('%')[0]!.includes('o');
  const rows: Row[] = [];
  if (mask.startsWith('#')) {
    const info = hub.chat.room(mask);
    if (info && maySee(hub, session, info.name)) for (const member of hub.chat.members(info.name)) rows.push({ channel: info.name, member });
  } else {
    const wild = mask === '*' || mask === '0' || /[*?]/u.test(mask);
    const match = mask === '*' || mask === '0' ? () => true : maskMatcher(mask);
    const viewer = session.member;
    const mine = new Set(viewer ? hub.chat.roomsOf(viewer) : []);
    for (const member of hub.chat.online()) {
      if (!match(member)) continue;
      // User mode +i hides a member from masks, not from its exact nick nor from room mates (RFC 2812 3.1.5).
      if (wild && member !== viewer && hub.sessionOf(member)?.modes.has('i') === true && !hub.chat.roomsOf(member).some((r) => mine.has(r))) continue;
      // Shown in a room the asker can see (the first), or `*`.
      const room = hub.chat.roomsOf(member).find((r) => maySee(hub, session, r)) ?? '*';
      rows.push({ channel: room, member });
    }
  }
  for (const row of rows) {
    if (opersOnly && !hub.chat.isAdmin(row.member)) continue;
    sendRow(hub, session, row, whox);
  }
  session.reply(RPL.ENDOFWHO, mask, 'End of WHO list');
});
