// The chat pane: the room or conversation on screen, its topic, its log (older pages on scroll-up), its members and the composer.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { BansPanel } from './bans-panel.js';
import { ChatLine } from './chat-line.js';
import { currentConv, totalUnread, type ChatClient, type ChatState, type Conversation } from './chat.js';
import { mayModerate } from './chat-moderation.js';
import { MemberMenu } from './member-menu.js';
import { Composer } from './composer.js';
import type { Lang, Texts } from './i18n.js';

/** Properties of {@link ChatPane}. */
export interface ChatPaneProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
  /** The sidebar's drawer on narrow screens. */
  readonly sidebarOpen: boolean;
  readonly onToggleSidebar: () => void;
}

/** Close enough to the top of the log to ask for the page above. */
const NEAR_TOP_PX = 48;

/** The conversation on screen and a box to write in. */
export function ChatPane({ t, lang, chat, client, sidebarOpen, onToggleSidebar }: ChatPaneProps) {
  const [draft, setDraft] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const conv = currentConv(chat);
  // Just entered, or another room opened: writing is what comes next, so the caret goes there
  // rather than leaving Tab to walk through every log line and file link first.
  useEffect(() => box.current?.focus(), [chat.current]);
  const edit = (key: string): void => {
    const text = client.composer.takeBack(key);
    if (text === undefined) return;
    setDraft(text);
    box.current?.focus();
  };
  const unread = totalUnread(chat);
  const about = conv === undefined ? '' : conv.kind === 'room' ? conv.topic || t.noTopic : t.privateWith(conv.name);
  return (
    <section class={`pane chat${conv?.kind === 'dm' ? ' private' : ''}`} aria-labelledby="chat-title">
      <div class="chat-head">
        <button type="button" class="sidebar-toggle" aria-expanded={sidebarOpen} aria-controls="sidebar" onClick={onToggleSidebar}>
          {t.sidebarToggle(unread)}
        </button>
        <h2 id="chat-title">{conv?.name ?? (chat.current !== null ? t.joining : t.chat)}</h2>
        {conv && (
          <p class={`topic${conv.kind === 'room' && conv.topic === '' ? ' none' : ''}`} title={about}>
            {about}
          </p>
        )}
        {conv?.kind === 'room' && mayModerate(chat, conv) && (
          <button
            type="button"
            id="bans-open"
            class="small"
            aria-expanded={chat.restrictions !== null}
            onClick={() => (chat.restrictions !== null ? client.moderation.close() : client.moderation.show(chat.account?.role === 'admin' ? null : conv.name))}
          >
            {t.bansButton}
          </button>
        )}
      </div>
      <BansPanel t={t} lang={lang} chat={chat} client={client} />
      {conv ? (
        <ChatBody key={conv.key} t={t} lang={lang} chat={chat} conv={conv} client={client} onEdit={edit} />
      ) : (
        <p class="hint no-conversation">{chat.current !== null ? t.joining : t.noConversation}</p>
      )}
      <Composer t={t} lang={lang} chat={chat} client={client} draft={draft} setDraft={setDraft} box={box} disabled={conv === undefined} />
    </section>
  );
}

interface ChatBodyProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly conv: Conversation;
  readonly client: ChatClient;
  readonly onEdit: (key: string) => void;
}

/** The log and the member list of one conversation (remounted for each, so scrolling starts at its bottom). */
function ChatBody({ t, lang, chat, conv, client, onEdit }: ChatBodyProps) {
  const log = useRef<HTMLOListElement>(null);
  // The member whose menu is open (moderators only; others click a name to talk privately).
  const [menu, setMenu] = useState<string | null>(null);
  const moderator = mayModerate(chat, conv);
  // The member left (kicked, say: its leave comes before our `moderated`): its menu goes with it.
  useEffect(() => {
    if (menu !== null && !conv.members.includes(menu)) setMenu(null);
  }, [menu, conv.members]);
  // Follow new lines only while the reader is at the bottom; someone reading back is left alone.
  const following = useRef(true);
  // What the log looked like after the last render: a page added on top shifts it by the growth.
  const shown = useRef<{ first: string | undefined; height: number }>({ first: undefined, height: 0 });
  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    const first = conv.items[0]?.key;
    if (following.current) el.scrollTop = el.scrollHeight;
    else if (shown.current.first !== undefined && first !== shown.current.first) el.scrollTop += el.scrollHeight - shown.current.height;
    shown.current = { first, height: el.scrollHeight };
    // A log too short to scroll never reaches "the top" by scrolling: ask for the page above now.
    if (conv.more && !conv.loading && el.scrollHeight <= el.clientHeight) client.loadOlder();
  }, [conv.items, conv.more, conv.loading, client]);

  // A search result opened here: bring its line into view.
  useEffect(() => {
    if (chat.highlight === null) return;
    const line = log.current?.querySelector(`li[data-id="${chat.highlight}"]`);
    if (!line) return;
    following.current = false;
    line.scrollIntoView({ block: 'center' });
  }, [chat.highlight, conv.items]);

  return (
    <div class="chat-body">
      <ol
        class="log"
        ref={log}
        aria-live="polite"
        aria-relevant="additions"
        aria-labelledby="chat-title"
        aria-busy={conv.loading}
        // Focusable so keyboard users can scroll the log.
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
          if (el.scrollTop < NEAR_TOP_PX) client.loadOlder();
        }}
      >
        {conv.loading && <li class="line empty older">{t.loadingOlder}</li>}
        {conv.items.length === 0 && !conv.loading && <li class="line empty">{t.emptyChat}</li>}
        {conv.items.map((item) => (
          <ChatLine
            key={item.key}
            item={item}
            t={t}
            lang={lang}
            fates={chat.fates}
            highlighted={chat.highlight !== null && item.id === chat.highlight}
            onRetry={() => client.composer.retry(item.key)}
            onEdit={() => onEdit(item.key)}
            onJoin={(room) => client.join(room)}
          />
        ))}
      </ol>
      <aside class="members" aria-labelledby="members-title">
        <h3 id="members-title">{t.members(conv.members.length)}</h3>
        <ul>
          {conv.members.map((member) => (
            <li key={member} data-name={member} class={member === chat.name ? 'me' : undefined}>
              {member === chat.name ? (
                <>
                  {member}
                  <span class="you"> ({t.you})</span>
                </>
              ) : (
                <>
                  {/* Clicking a member starts (or opens) a private conversation with them. */}
                  <button type="button" class="link member" title={t.messageMember(member)} aria-label={t.messageMember(member)} onClick={() => client.openDm(member)}>
                    {member}
                  </button>
                  {moderator && (
                    <button
                      type="button"
                      class="link member-more"
                      aria-haspopup="true"
                      aria-expanded={menu === member}
                      aria-label={t.moderate(member)}
                      title={t.moderate(member)}
                      onClick={() => {
                        client.moderation.clear();
                        setMenu(menu === member ? null : member);
                      }}
                    >
                      ⋯
                    </button>
                  )}
                  {menu === member && <MemberMenu t={t} lang={lang} chat={chat} client={client} conv={conv} member={member} onClose={() => setMenu(null)} />}
                </>
              )}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}
