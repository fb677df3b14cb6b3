// The chat pane: the room or conversation on screen, its topic, its log (older pages on scroll-up), its members and the composer.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { BansPanel } from './bans-panel.js';
import { ChatLine } from './chat-line.js';
import { currentConv, totalUnread, type ChatClient, type ChatItem, type ChatState, type Conversation } from './chat.js';
import { mayModerate } from './chat-moderation.js';
import { sameName } from './conversations.js';
import type { MessageActions } from './log-message.js';
import { buildRows, dayKey, dayLabel, type LogRow } from './log-rows.js';
import { useNow } from './log-time.js';
import { extraAttr, LogView } from './log-view.js';
import { mentionPredicate } from './mentions.js';
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
  // The member whose menu is open (moderators only; others click a name to talk privately).
  const [menu, setMenu] = useState<string | null>(null);
  const moderator = mayModerate(chat, conv);
  // The member left (kicked, say: its leave comes before our `moderated`): its menu goes with it.
  useEffect(() => {
    if (menu !== null && !conv.members.includes(menu)) setMenu(null);
  }, [menu, conv.members]);
  const rows = useMemo(() => buildRows(conv.items), [conv.items]);
  const now = useNow();
  const me = chat.name;
  const mention = useMemo(() => mentionPredicate(conv.members, me), [conv.members, me]);
  // A search result opened here: its line, brought into view once the log has it.
  const jumpTo = chat.highlight === null ? null : (conv.items.find((i) => i.id === chat.highlight)?.key ?? null);
  const actionsFor = (item: ChatItem): MessageActions | null => {
    if (item.kind !== 'message' && item.kind !== 'dm') return null;
    const own = item.mine === true || sameName(item.name, me);
    // Only authors edit; authors, a room's operators and administrators delete (the server decides in the end).
    if (!own && !moderator) return null;
    return {
      canEdit: own,
      canDelete: true,
      onEdit: (id, text) => client.edits.edit(id, text),
      onDelete: (id) => client.edits.remove(id),
    };
  };
  const renderRow = (row: LogRow) =>
    row.kind === 'day' ? (
      <li key={row.key} class="line day">
        <time dateTime={dayKey(row.at)}>{dayLabel(t, lang, row.at, now)}</time>
      </li>
    ) : (
      <ChatLine
        key={row.key}
        item={row.item}
        t={t}
        lang={lang}
        fates={chat.fates}
        highlighted={chat.highlight !== null && row.item.id === chat.highlight}
        now={now}
        grouped={row.grouped}
        mention={mention}
        actions={actionsFor(row.item)}
        onRetry={() => client.composer.retry(row.item.key)}
        onEdit={() => onEdit(row.item.key)}
        onJoin={(room) => client.join(room)}
      />
    );

  return (
    <div class="chat-body">
      <LogView
        rows={rows}
        renderRow={renderRow}
        canAnchor={(row) => row.kind === 'item'}
        labelledBy="chat-title"
        busy={conv.loading}
        jumpTo={jumpTo}
        onTop={() => client.loadOlder()}
        header={
          <>
            {conv.loading && (
              <li class="line empty older" {...extraAttr}>
                {t.loadingOlder}
              </li>
            )}
            {conv.items.length === 0 && !conv.loading && (
              <li class="line empty" {...extraAttr}>
                {t.emptyChat}
              </li>
            )}
          </>
        }
      />
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
