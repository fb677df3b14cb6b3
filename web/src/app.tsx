// The whole page: header (status, account, language, leave), then the name and sign-in forms or the sidebar and chat, beside the files pane.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { currentSession, signOut } from './account-api.js';
import { ChatClient, INITIAL_CHAT, totalUnread, type ChatState, type LibraryListener } from './chat.js';
import { ChatPane } from './chat-pane.js';
import { EnterForm } from './enter.js';
import { FilesPane } from './files-pane.js';
import { initialLang, saveLang, TEXTS, type Lang } from './i18n.js';
import { InvitePage, invitationSecret } from './invite-page.js';
import { titlePrefix, totalMentions } from './mentions-count.js';
import { useUnseenWhileHidden } from './mentions-hidden.js';
import type { WireAccount } from './protocol.js';
import { SessionsPanel } from './sessions-panel.js';
import { AccountEnter, SignInForm } from './sign-in.js';
import { Sidebar } from './sidebar.js';
import { Viewer } from './viewer.js';
import { PhoneTabs } from './phone-tabs.js';
import { go } from './place.js';
import { useChatPlace } from './use-chat-place.js';
import { useNarrow } from './use-narrow.js';
import { usePlace } from './use-place.js';

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
  // Who this browser is signed in as (GET /api/session; then sign in, sign out), and the guest policy.
  const [account, setAccount] = useState<WireAccount | null>(null);
  const [guests, setGuests] = useState<'on' | 'read' | 'off'>('on');
  const [sessionsOpen, setSessionsOpen] = useState(false);
  const [invite, setInvite] = useState(invitationSecret);
  const t = TEXTS[lang];
  // The address bar: which room or conversation (deep links, Back/Forward) and, on phones, which pane.
  const place = usePlace();
  useChatPlace(chat, client, place);
  const narrow = useNarrow();
  // A file open in the viewer is in the files pane: a phone shows that pane while it is open.
  const tab = place.pane === 'files' || place.view !== null ? 'files' : 'chat';
  useEffect(() => {
    currentSession()
      .then((info) => {
        setAccount(info.account);
        setGuests(info.guests);
      })
      .catch(() => undefined); // a server without accounts: everyone is a guest
  }, []);
  const signedIn = (who: WireAccount): void => {
    setAccount(who);
    // The chat connection was opened as a guest: open it again with the cookie, and enter as the account.
    client.reconnect(true);
  };
  const signedOut = (): void => {
    setAccount(null);
    setSessionsOpen(false);
    client.reconnect(false);
  };
  const me = chat.account ?? account;
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);

  // Stable, so the files pane subscribes once for the page's lifetime.
  const subscribe = useCallback((listener: LibraryListener) => client.onLibrary(listener), [client]);
  const inRoom = chat.name !== null && (chat.status === 'in' || chat.status === 'reconnecting');
  const unread = totalUnread(chat);
  const mentions = totalMentions(chat);
  const unseen = useUnseenWhileHidden(chat);
  useEffect(() => {
    const prefix = titlePrefix(unread + unseen.unread, mentions + unseen.mentions);
    document.title = inRoom && chat.name !== null ? `${prefix}${chat.name} · netroom` : 'netroom';
  }, [inRoom, chat.name, unread, mentions, unseen.unread, unseen.mentions]);

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
          {me !== null && (
            <>
              <span id="account" class="account" data-name={me.name} data-role={me.role}>
                {t.signedInAs(me.name, me.role)}
              </span>
              <button type="button" id="sessions-open" aria-expanded={sessionsOpen} onClick={() => setSessionsOpen(!sessionsOpen)}>
                {t.sessionsButton}
              </button>
              <button type="button" id="sign-out" onClick={() => void signOut().finally(signedOut)}>
                {t.signOut}
              </button>
            </>
          )}
          {inRoom && (
            <button type="button" id="leave" onClick={() => client.leave()}>
              {t.leave}
            </button>
          )}
        </div>
      </header>
      {chat.removed !== null && (
        <div id="removed" class="banner error" role="alert" data-code={chat.removed.code}>
          <strong>{chat.removed.code === 'BANNED' ? t.bannedBanner : t.kickedBanner}</strong> <span class="why">{chat.removed.message}</span>{' '}
          <button type="button" class="small" onClick={() => client.dismissRemoved()}>
            {t.bannerOk}
          </button>
        </div>
      )}
      {sessionsOpen && me !== null && <SessionsPanel t={t} lang={lang} onClose={() => setSessionsOpen(false)} onSignedOut={signedOut} />}
      <main id="main">
        {narrow && <PhoneTabs t={t} tab={tab} unread={unread} onPick={(next) => go({ pane: next === 'files' ? 'files' : null, view: null })} />}
        {/* The files pane is there with or without a name: browsing and downloading need no chat. */}
        <div class={`panes${inRoom ? ' with-sidebar' : ''}`} data-tab={tab}>
          {/* Wide screens: the wrappers take no box (display: contents); narrow ones: tab panels, one shown. */}
          <div id="panel-chat" class="tab-panel" {...(narrow ? { role: 'tabpanel', 'aria-labelledby': 'tab-chat', hidden: tab !== 'chat' } : {})}>
            {inRoom && <Sidebar t={t} lang={lang} chat={chat} client={client} open={drawer} onPicked={() => setDrawer(false)} />}
            {inRoom ? (
              <ChatPane t={t} lang={lang} chat={chat} client={client} sidebarOpen={drawer} onToggleSidebar={() => setDrawer(!drawer)} />
            ) : (
              <div class="pane lobby">
                {invite !== null && me === null ? (
                  <InvitePage
                    t={t}
                    lang={lang}
                    secret={invite}
                    onJoined={(who) => {
                      // Signed in by the invitation's answer: the address bar goes back to the app's root.
                      history.replaceState(null, '', new URL('.', document.baseURI).href);
                      setInvite(null);
                      signedIn(who);
                    }}
                  />
                ) : me !== null ? (
                  chat.removed === null && (
                    <AccountEnter t={t} lang={lang} account={me} busy={chat.status === 'connecting'} error={chat.enterError} onEnter={() => client.enter(null)} />
                  )
                ) : (
                  chat.removed === null && (
                    <div class="entries">
                      {guests !== 'off' && <EnterForm t={t} lang={lang} busy={chat.status === 'connecting'} error={chat.enterError} onEnter={(name) => client.enter(name)} />}
                      <SignInForm t={t} lang={lang} onSignedIn={signedIn} />
                    </div>
                  )
                )}
              </div>
            )}
          </div>
          <div id="panel-files" class="tab-panel" {...(narrow ? { role: 'tabpanel', 'aria-labelledby': 'tab-files', hidden: tab !== 'files' } : {})}>
            <FilesPane t={t} lang={lang} member={inRoom ? chat.name : null} room={inRoom ? chat.lastRoom : null} subscribe={subscribe} admin={me?.role === 'admin'} />
          </div>
        </div>
      </main>
      <Viewer t={t} lang={lang} subscribe={subscribe} />
    </>
  );
}
