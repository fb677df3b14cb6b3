// WHO: 352 per member (everyone in the room is on #lobby), then 315. Masks: #lobby, *, 0, a nick or a glob.
import { foldName } from '../../../core/names.js';
import type { Member } from '../../../core/room.js';
import { CHANNEL, isLobby } from '../lines.js';
import { RPL } from '../numerics.js';
import { viewOf } from './shared.js';
import { command } from './types.js';

/** A WHO mask as a matcher over folded names (`*` any run, `?` one character). */
function maskMatcher(mask: string): (member: Member) => boolean {
  const folded = foldName(mask);
  if (!/[*?]/u.test(folded)) return (member) => member.key === folded;
  const pattern = folded.replace(/[.+^${}()|[\]\\]/gu, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  const re = new RegExp(`^${pattern}$`, 'u');
  return (member) => re.test(member.key);
}

export const WHO = command((hub, session, message) => {
  const [mask = '*', flags = ''] = message.params;
  let members: Member[];
  if (mask === '*' || mask === '0' || isLobby(mask)) members = hub.room.who();
  else if (mask.startsWith('#') || mask.startsWith('&')) members = [];
  else members = hub.room.who().filter(maskMatcher(mask));
  const opersOnly = flags.includes('o');
  const server = hub.settings.serverName;
  for (const member of members) {
    const view = viewOf(hub, member);
    if (opersOnly && !view.oper) continue;
    // H(ere) or G(one), `*` for an operator (RFC 2812 4.9 / 5.1 RPL_WHOREPLY).
    const status = (view.away === undefined ? 'H' : 'G') + (view.oper ? '*' : '');
    session.reply(RPL.WHOREPLY, CHANNEL, view.user, view.host, server, member.name, status, `0 ${view.realname}`);
  }
  session.reply(RPL.ENDOFWHO, mask, 'End of WHO list');
});
