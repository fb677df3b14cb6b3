// Unread mentions per room and conversation, and the tab title's counts: derived from the unread lines, never stored twice.
import type { ChatState, Conversation } from './chat-state.js';
import { countsAsUnread, sameName } from './conversations.js';
import { mentionsMe } from './mentions.js';

/**
 * Unread lines that call for the reader: in a room, messages naming them (`@name`); in a
 * conversation every unread line, since each was written to them (as Slack counts direct messages).
 * The unread lines are the newest `unread` lines that count as unread (lines only ever join the
 * end of a log while it is off screen, and opening it clears the count).
 */
export function mentionCount(conv: Conversation, me: string | null): number {
  if (conv.unread === 0) return 0;
  if (conv.kind === 'dm') return conv.unread;
  let left = conv.unread;
  let found = 0;
  for (let i = conv.items.length - 1; i >= 0 && left > 0; i--) {
    const item = conv.items[i];
    if (item === undefined || !countsAsUnread(item.kind)) continue;
    left--;
    if (item.kind === 'message' && !sameName(item.name, me) && mentionsMe(item.text, me)) found++;
  }
  return found;
}

/** Mentions and direct messages unread over every room and conversation. */
export function totalMentions(state: ChatState): number {
  return state.convs.reduce((sum, c) => sum + mentionCount(c, state.name), 0);
}

/**
 * The tab title's prefix: `(N) ` for N unread lines, `(N, @M) ` when M of them mention the reader
 * or are direct messages to them; '' when nothing is unread.
 */
export function titlePrefix(unread: number, mentions: number): string {
  if (unread <= 0) return '';
  return mentions > 0 ? `(${unread}, @${mentions}) ` : `(${unread}) `;
}
