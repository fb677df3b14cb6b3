// The line a seed UDP member hears when a moderator removes it from the server (kick, ban), in English or Chinese.
import type { Lang } from '../../core/i18n.js';

/**
 * "you were removed from the room: removed by root: spamming" (or the ban's wording). The seed
 * protocol has no error frame for this: the client's receiver prints it like any notice, and the
 * door then forgets the address, so what it sends next is answered NOT_IN_ROOM until it enters again.
 */
export function removalText(lang: Lang, reason: 'kicked' | 'banned', text: string | undefined): string {
  const why = text === undefined || text === '' ? '' : `: ${text}`;
  if (lang === 'zh') return reason === 'banned' ? `您已被禁止进入聊天室${why}` : `您已被移出聊天室${why}`;
  return reason === 'banned' ? `you are banned from the room${why}` : `you were removed from the room${why}`;
}
