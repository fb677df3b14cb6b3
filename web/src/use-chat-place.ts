// The room or conversation on screen and the address bar kept in step: a deep link opens its room once entered, a pick in the sidebar moves the address, Back/Forward move back.
import { useEffect, useRef } from 'preact/hooks';
import { currentConv, type ChatClient, type ChatState } from './chat.js';
import { dmKey, roomKey } from './conversations.js';
import { currentPlace, go, type Place } from './place.js';

/** A conversation the address names that is not on screen yet; `asked` once join/openDm was called. */
interface Wanted {
  readonly key: string;
  readonly room: string | null;
  readonly dm: string | null;
  asked: boolean;
}

function wantedOf(place: Place): Wanted | null {
  if (place.room !== null) return { key: roomKey(place.room), room: place.room, dm: null, asked: false };
  if (place.dm !== null) return { key: dmKey(place.dm), room: null, dm: place.dm, asked: false };
  return null;
}

/**
 * Keeps `chat.current` and the address's `room`/`dm` in step. The address leads when it changes
 * (a link opened, Back, Forward): that room is joined (or just opened) and the conversation opened
 * once the chat is entered. Otherwise the chat leads: opening another conversation is a new history
 * entry; the first one after entering, or one replacing a room just left, corrects the current entry.
 */
export function useChatPlace(chat: ChatState, client: ChatClient, place: Place): void {
  const wanted = useRef<Wanted | null>(null);
  // The conversation on screen at the last sync, and whether we were in the chat then.
  const last = useRef<{ key: string | null; in: boolean }>({ key: null, in: false });

  const sync = (): void => {
    const inChat = chat.status === 'in';
    if (!inChat) {
      // Left (or signed out, or removed): the address no longer names a conversation.
      if (chat.status === 'idle' && last.current.in) {
        wanted.current = null;
        go({ room: null, dm: null }, { replace: true });
      }
      last.current = { key: null, in: chat.status !== 'idle' && last.current.in };
      return;
    }
    const previous = last.current;
    last.current = { key: chat.current, in: true };
    let replace = previous.key === null || !chat.convs.some((c) => c.key === previous.key);
    const want = wanted.current;
    if (want !== null) {
      if (chat.current === want.key) {
        wanted.current = null;
      } else if (!want.asked) {
        want.asked = true;
        if (want.room !== null) client.join(want.room);
        else if (want.dm !== null) client.openDm(want.dm);
        return;
      } else {
        // Still joining; a refusal (no such room to join, banned, a key needed) gives up on it.
        if (want.room === null || chat.roomError === null) return;
        wanted.current = null;
        replace = true;
      }
    }
    const conv = currentConv(chat);
    if (conv === undefined) return;
    const now = currentPlace();
    const shown = conv.kind === 'room' ? now.room !== null && roomKey(now.room) === conv.key : now.dm !== null && dmKey(now.dm) === conv.key;
    const named = now.room !== null || now.dm !== null;
    // Already named (a hand-typed `?room=dev`, another case): only written the canonical way, in place.
    go(conv.kind === 'room' ? { room: conv.name } : { dm: conv.name }, { replace: shown || replace || !named });
  };

  // The address moved (on its own, or by our go()): what it names is wanted.
  useEffect(() => {
    wanted.current = wantedOf(place);
    sync();
    // sync reads the latest chat through this render's closure; only a move of the address re-arms it.
  }, [place.room, place.dm]);
  useEffect(sync, [chat.status, chat.current, chat.roomError]);
}
