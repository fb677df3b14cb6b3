// Desktop notifications (the Notification API): the permission, the user's on/off choice, and which live events notify while the tab is hidden.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatClient } from './chat.js';
import { dmKey, otherSide, roomKey, sameName } from './conversations.js';
import type { Texts } from './i18n.js';
import { mentionsMe } from './mentions.js';
import { go } from './place.js';
import type { WireEvent } from './protocol.js';

/** The browser's answer, or `unsupported` where there is no Notification API (or not in a secure context). */
export type NotifyPermission = NotificationPermission | 'unsupported';

const PREF_KEY = 'netroom.notify';

/** What the browser allows now. */
export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** The user's own switch (on unless turned off here), apart from the browser's permission. */
export function notifyWanted(): boolean {
  try {
    return localStorage.getItem(PREF_KEY) !== 'off';
  } catch {
    return true;
  }
}

function saveWanted(on: boolean): void {
  try {
    if (on) localStorage.removeItem(PREF_KEY);
    else localStorage.setItem(PREF_KEY, 'off');
  } catch {
    // Not remembered past this page.
  }
}

/** What a live event is to the reader: a mention of them in a room, a direct message to them, or nothing to notify. */
export function notifyKind(event: WireEvent, me: string | null): 'mention' | 'dm' | null {
  if (me === null || sameName(event.name, me)) return null;
  if (event.kind === 'dm') return 'dm';
  if (event.kind === 'message' && event.room !== undefined && mentionsMe(event.text, me)) return 'mention';
  return null;
}

/** What {@link useNotifications} gives the control in the sidebar. */
export interface Notifications {
  readonly permission: NotifyPermission;
  /** The user's switch (notifications show when this and the permission allow). */
  readonly wanted: boolean;
  /** Ask the browser (only ever from a click: browsers refuse a prompt nobody asked for). */
  allow(): void;
  setWanted(on: boolean): void;
}

/**
 * Notify mentions and direct messages while the tab is hidden (document.visibilityState); a click
 * on one brings the tab forward with that room or conversation open.
 */
export function useNotifications(client: ChatClient, t: Texts): Notifications {
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  const [wanted, setWantedState] = useState(notifyWanted);
  const live = useRef({ t, on: permission === 'granted' && wanted });
  live.current = { t, on: permission === 'granted' && wanted };

  useEffect(
    () =>
      client.typing.onEvent((event, me) => {
        const kind = notifyKind(event, me);
        if (kind === null || !live.current.on || document.visibilityState !== 'hidden') return;
        const texts = live.current.t;
        const who = event.name ?? '';
        const room = event.room ?? '';
        const title = kind === 'dm' ? texts.notifyDm(who) : texts.notifyMention(who, room);
        const key = kind === 'dm' ? dmKey(otherSide(event, me ?? '')) : roomKey(room);
        let note: Notification;
        try {
          // One per conversation (tag): a burst of messages replaces rather than piles up.
          note = new Notification(title, { body: event.text ?? '', tag: key, lang: document.documentElement.lang });
        } catch {
          return; // some browsers only notify from a service worker: nothing to show then
        }
        note.addEventListener('click', () => {
          window.focus();
          if (kind === 'dm') {
            client.openDm(who);
            go({ dm: who });
          } else {
            client.open(key);
            go({ room });
          }
          note.close();
        });
      }),
    [client],
  );
  // The permission can change in the browser's site settings meanwhile: look again when the tab comes back.
  useEffect(() => {
    const look = (): void => setPermission(notifyPermission());
    document.addEventListener('visibilitychange', look);
    return () => document.removeEventListener('visibilitychange', look);
  }, []);

  return {
    permission,
    wanted,
    allow() {
      if (typeof Notification === 'undefined') return;
      void Notification.requestPermission().then((answer) => {
        setPermission(answer);
        if (answer === 'granted') {
          saveWanted(true);
          setWantedState(true);
        }
      });
    },
    setWanted(on) {
      saveWanted(on);
      setWantedState(on);
    },
  };
}
