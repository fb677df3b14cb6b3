// The whole page: header (status, language, leave), then the name form or the sidebar and chat, beside the files pane.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ChatClient, INITIAL_CHAT, totalUnread, type ChatState, type LibraryListener } from './chat.js';
import { ChatPane } from './chat-pane.js';
import { EnterForm } from './enter.js';
import { FilesPane } from './files-pane.js';
import { initialLang, saveLang, TEXTS, type Lang } from './i18n.js';
import { Sidebar } from './sidebar.js';

/** The chat connection for the page's lifetime, with its state as Preact state. */
function useChat(): [ChatState, ChatClient] {
  const [state, setState] = useState<ChatState>(INITIAL_CHAT);
  const client = useRef<ChatClient | null>(null);
  client.current ??= new ChatClient(setState);
  useEffect(() => {
    const c = client.current;
    c?.start();
    return () => c?.dispose();
  }, []);
  return [state, client.current];
}

/** The netroom web UI. */
export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [chat, client] = useChat();
  // The sidebar's drawer on narrow screens (on wide ones the sidebar is always there).
  const [drawer, setDrawer] = useState(false);
  const t = TEXTS[lang];
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);

  // Stable, so the files pane subscribes once for the page's lifetime.
  const subscribe = useCallback((listener: LibraryListener) => client.onLibrary(listener), [client]);
  const inRoom = chat.name !== null && (chat.status === 'in' || chat.status === 'reconnecting');
  const unread = totalUnread(chat);
  useEffect(() => {
    const prefix = unread > 0 ? `(${unread}) ` : '';
    document.title = inRoom && chat.name !== null ? `${prefix}${chat.name} · netroom` : 'netroom';
  }, [inRoom, chat.name, unread]);

  const status =
    chat.status === 'in' && chat.name !== null
      ? t.statusIn(chat.name)
      : chat.status === 'reconnecting'
        ? t.statusReconnecting
        : chat.status === 'connecting'
          ? t.statusConnecting
          : '';
  const other: Lang = lang === 'en' ? 'zh' : 'en';
  return (
    <>
      <header class="top">
        <h1>
          <span class="logo" aria-hidden="true" />
          {t.appTitle}
        </h1>
        <p class={`status ${chat.status}`} role="status">
          {status}
        </p>
        <div class="top-actions">
          <button
            type="button"
            id="lang-switch"
            lang={other === 'zh' ? 'zh-CN' : 'en'}
            title={t.switchLabel}
            onClick={() => {
              setLang(other);
              saveLang(other);
            }}
          >
            {t.switchTo}
          </button>
          {inRoom && (
            <button type="button" id="leave" onClick={() => client.leave()}>
              {t.leave}
            </button>
          )}
        </div>
      </header>
      <main id="main">
        {/* The files pane is there with or without a name: browsing and downloading need no chat. */}
        <div class={`panes${inRoom ? ' with-sidebar' : ''}`}>
          {inRoom && <Sidebar t={t} lang={lang} chat={chat} client={client} open={drawer} onPicked={() => setDrawer(false)} />}
          {inRoom ? (
            <ChatPane t={t} lang={lang} chat={chat} client={client} sidebarOpen={drawer} onToggleSidebar={() => setDrawer(!drawer)} />
          ) : (
            <div class="pane lobby">
              <EnterForm t={t} lang={lang} busy={chat.status === 'connecting'} error={chat.enterError} onEnter={(name) => client.enter(name)} />
            </div>
          )}
          <FilesPane t={t} lang={lang} member={inRoom ? chat.name : null} room={inRoom ? chat.lastRoom : null} subscribe={subscribe} />
        </div>
      </main>
    </>
  );
}
