// What arrived in the room or conversation on screen while the tab was hidden: counted for the tab title, which otherwise ignores the log on screen.
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentConv, type ChatState } from './chat-state.js';
import { countsAsUnread, sameName } from './conversations.js';
import { mentionsMe } from './mentions.js';

/** Unseen lines and, of them, the ones for the reader (mentions; everything in a conversation). */
export interface Unseen {
  readonly unread: number;
  readonly mentions: number;
}

const NONE: Unseen = { unread: 0, mentions: 0 };

/**
 * Lines said by others in the conversation on screen since the tab was hidden (its unread count
 * stays 0: it is on screen). Counted by time after the newest line when the tab went away, so a
 * history merged meanwhile (older lines) does not count; all goes back to 0 once visible.
 */
export function useUnseenWhileHidden(chat: ChatState): Unseen {
  const [mark, setMark] = useState<{ key: string; after: number } | null>(null);
  const latest = useRef(chat);
  latest.current = chat;
  useEffect(() => {
    const look = (): void => {
      const conv = currentConv(latest.current);
      if (document.visibilityState !== 'hidden' || !conv) setMark(null);
      else setMark({ key: conv.key, after: conv.items.at(-1)?.at ?? 0 });
    };
    look();
    document.addEventListener('visibilitychange', look);
    return () => document.removeEventListener('visibilitychange', look);
  }, []);
  const conv = currentConv(chat);
  if (mark === null || conv?.key !== mark.key) return NONE;
  const fresh = conv.items.filter((i) => i.at > mark.after && countsAsUnread(i.kind) && i.mine !== true && !sameName(i.name, chat.name));
  if (fresh.length === 0) return NONE;
  const mentions = conv.kind === 'dm' ? fresh.length : fresh.filter((i) => i.kind === 'message' && mentionsMe(i.text, chat.name)).length;
  return { unread: fresh.length, mentions };
}
