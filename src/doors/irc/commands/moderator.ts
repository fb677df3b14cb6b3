// Who moderates, as the core's Moderation wants it: the client's member (its room standing counts) and its actor (account or guest).
import type { Moderator } from '../../../core/chat/moderation.js';
import { guest, signedIn } from '../../../core/access/roles.js';
import type { Member } from '../../../core/chat/types.js';

/** The moderator behind a registered IRC client; an OPER is an administrator of the chat already (chat.makeAdmin). */
export function moderatorOf(member: Member): Moderator {
  const actor = member.account !== undefined && (member.role === 'member' || member.role === 'admin') ? signedIn(member.account, member.role) : guest(member.name);
  return { actor, member };
}

/**
 * A ban's duration as opers type it: `30m`, `2h`, `1d12h`, `1w` (s, m, h, d, w), or bare minutes
 * (`60`, as the KLINE of hybrid and ratbox); null when `text` is not a duration.
 */
export function parseDuration(text: string): number | null {
  if (/^\d{1,6}$/u.test(text)) return Number(text) * 60_000;
  if (!/^(\d{1,6}[smhdw])+$/u.test(text)) return null;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  let ms = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([smhdw])/gu)) ms += Number(n) * (unit[u ?? 's'] ?? 0);
  return ms > 0 ? ms : null;
}
