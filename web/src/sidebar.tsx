// The sidebar: search, the rooms we are in and our conversations (with unread counts), joining, leaving and browsing rooms.
import { useState } from 'preact/hooks';
import type { ChatClient, ChatState, Conversation } from './chat.js';
import { roomKey } from './conversations.js';
import { errorText, type Lang, type Texts } from './i18n.js';
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
            <ConvRow key={c.key} t={t} conv={c} current={c.key === chat.current} onOpen={() => pick(c.key)} onPart={() => client.part(c.name)} />
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
              <ConvRow key={c.key} t={t} conv={c} current={c.key === chat.current} onOpen={() => pick(c.key)} />
            ))}
          </ul>
        )}
      </section>
    </nav>
  );
}

interface ConvRowProps {
  readonly t: Texts;
  readonly conv: Conversation;
  readonly current: boolean;
  readonly onOpen: () => void;
  /** Rooms: leave it. */
  readonly onPart?: () => void;
}

/** One room or conversation: open it (its unread count beside it), and leave a room. */
function ConvRow({ t, conv, current, onOpen, onPart }: ConvRowProps) {
  const data = conv.kind === 'room' ? { 'data-room': conv.name } : { 'data-with': conv.name };
  return (
    <li class={`conv${current ? ' current' : ''}${conv.unread > 0 ? ' has-unread' : ''}`} {...data}>
      <button type="button" class="open" aria-current={current ? 'page' : undefined} onClick={onOpen}>
        <span class="conv-name">{conv.name}</span>
        {conv.unread > 0 && (
          <>
            <span class="unread" aria-hidden="true">
              {conv.unread}
            </span>
            <span class="sr-only">, {t.unread(conv.unread)}</span>
          </>
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
