// The sidebar: search, the rooms we are in and our conversations (unread and mention counts), joining, leaving and browsing rooms, desktop notifications.
import { useState } from 'preact/hooks';
import type { ChatClient, ChatState, Conversation } from './chat.js';
import { roomKey } from './conversations.js';
import { errorText, type Lang, type Texts } from './i18n.js';
import { mentionCount } from './mentions-count.js';
import { NotifyControl } from './notify-control.js';
import { useNotifications } from './notify.js';
import { SearchBox } from './search-box.js';

/** Properties of {@link Sidebar}. */
export interface SidebarProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
  /** Shown on narrow screens only when open (a drawer); always shown on wide ones. */
  readonly open: boolean;
  /** Something was picked: the drawer can close. */
  readonly onPicked: () => void;
}

/** Where one moves between rooms and conversations. */
export function Sidebar({ t, lang, chat, client, open, onPicked }: SidebarProps) {
  const rooms = chat.convs.filter((c) => c.kind === 'room');
  const dms = chat.convs.filter((c) => c.kind === 'dm');
  // Here rather than in the page: notifications matter only while in the chat, as the sidebar is.
  const notes = useNotifications(client, t);
  const pick = (key: string): void => {
    client.open(key);
    onPicked();
  };
  return (
    <nav id="sidebar" class={`pane sidebar${open ? ' open' : ''}`} aria-label={t.sidebarLabel}>
      <h2 class="sr-only">{t.chat}</h2>
      <SearchBox t={t} lang={lang} chat={chat} client={client} onPicked={onPicked} />
      <section class="side-group" aria-labelledby="rooms-title">
        <h3 id="rooms-title">{t.rooms}</h3>
        <ul class="convs rooms">
          {rooms.map((c) => (
            <ConvRow key={c.key} t={t} conv={c} me={chat.name} current={c.key === chat.current} onOpen={() => pick(c.key)} onPart={() => client.part(c.name)} />
          ))}
        </ul>
        <JoinForm t={t} lang={lang} chat={chat} client={client} onPicked={onPicked} />
      </section>
      <section class="side-group" aria-labelledby="dms-title">
        <h3 id="dms-title">{t.conversations}</h3>
        {dms.length === 0 ? (
          <p class="hint">{t.noConversations}</p>
        ) : (
          <ul class="convs dms">
            {dms.map((c) => (
              <ConvRow key={c.key} t={t} conv={c} me={chat.name} current={c.key === chat.current} onOpen={() => pick(c.key)} />
            ))}
          </ul>
        )}
      </section>
      <NotifyControl t={t} notes={notes} />
    </nav>
  );
}

interface ConvRowProps {
  readonly t: Texts;
  readonly conv: Conversation;
  /** Our name: which unread lines mention us. */
  readonly me: string | null;
  readonly current: boolean;
  readonly onOpen: () => void;
  /** Rooms: leave it. */
  readonly onPart?: () => void;
}

/**
 * One room or conversation: open it, and leave a room. Beside it the unread count, and in a room
 * the unread mentions of us as an `@N` badge that stands out; a conversation's count has the same
 * standing out colour, since everything in it was written to us.
 */
function ConvRow({ t, conv, me, current, onOpen, onPart }: ConvRowProps) {
  const data = conv.kind === 'room' ? { 'data-room': conv.name } : { 'data-with': conv.name };
  const mentions = mentionCount(conv, me);
  const direct = conv.kind === 'dm' && conv.unread > 0;
  return (
    <li class={`conv${current ? ' current' : ''}${conv.unread > 0 ? ' has-unread' : ''}${mentions > 0 ? ' has-mention' : ''}`} {...data}>
      <button type="button" class="open" aria-current={current ? 'page' : undefined} onClick={onOpen}>
        <span class="conv-name">{conv.name}</span>
        {conv.unread > 0 && (
          <span class="counts">
            {conv.kind === 'room' && mentions > 0 && (
              <span class="mentions" aria-hidden="true">
                @{mentions}
              </span>
            )}
            <span class={`unread${direct ? ' direct' : ''}`} aria-hidden="true">
              {conv.unread}
            </span>
            <span class="sr-only">
              , {t.unread(conv.unread)}
              {mentions > 0 && `, ${conv.kind === 'dm' ? t.directUnread(mentions) : t.mentionsUnread(mentions)}`}
            </span>
          </span>
        )}
      </button>
      {onPart && (
        <button type="button" class="part" aria-label={t.partLabel(conv.name)} title={t.partLabel(conv.name)} onClick={onPart}>
          ×
        </button>
      )}
    </li>
  );
}

/** "Join or create a room": `#name` (and a key if the room has one); the server's refusal under it; the room list to pick from. */
function JoinForm({ t, lang, chat, client, onPicked }: { t: Texts; lang: Lang; chat: ChatState; client: ChatClient; onPicked: () => void }) {
  const [room, setRoom] = useState('');
  const browsing = chat.directory !== null;
  return (
    <>
      <form
        class="join"
        onSubmit={(e) => {
          e.preventDefault();
          if (room.trim() === '') return;
          client.join(room);
          setRoom('');
          onPicked();
        }}
      >
        <label for="join-room">{t.joinLabel}</label>
        <div class="join-row">
          <input
            id="join-room"
            value={room}
            placeholder={t.joinPlaceholder}
            autoCapitalize="off"
            autoComplete="off"
            spellcheck={false}
            aria-invalid={chat.roomError !== null}
            aria-describedby={chat.roomError ? 'join-hint room-error' : 'join-hint'}
            onInput={(e) => setRoom(e.currentTarget.value)}
          />
          <button type="submit" class="small">
            {t.joinButton}
          </button>
        </div>
        <p id="join-hint" class="hint small-print">
          {t.joinHint}
        </p>
        {chat.roomError && (
          <p id="room-error" class="error" role="alert">
            {errorText(lang, chat.roomError)}
          </p>
        )}
      </form>
      <button type="button" class="small browse" aria-expanded={browsing} aria-controls="directory" onClick={() => client.browse(!browsing)}>
        {t.browse}
      </button>
      {browsing && (
        <ul id="directory" class="directory">
          {chat.directory.length === 0 && <li class="hint">{t.noRooms}</li>}
          {chat.directory.map((r) => {
            const joined = chat.convs.some((c) => c.key === roomKey(r.name));
            return (
              <li key={r.name} data-room={r.name}>
                <button
                  type="button"
                  class="dir-room"
                  onClick={() => {
                    client.join(r.name);
                    onPicked();
                  }}
                >
                  <span class="conv-name">{r.name}</span>
                  <span class="dir-size">{t.roomSize(r.size)}</span>
                  {joined && <span class="dir-joined">{t.joinedMark}</span>}
                  {r.topic !== '' && <span class="dir-topic">{r.topic}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
