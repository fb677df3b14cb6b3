// The chat pane: the live log (history first), the member list and the composer.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fileUrl } from './api.js';
import type { ChatClient, ChatItem, ChatState } from './chat.js';
import { errorText, eventText, formatSize, formatTime, type Lang, type Texts } from './i18n.js';
import { FileIcon } from './icons.js';

/** Properties of {@link ChatPane}. */
export interface ChatPaneProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly chat: ChatState;
  readonly client: ChatClient;
}

/** The room: messages and notices as they arrive, who is here, and a box to write in. */
export function ChatPane({ t, lang, chat, client }: ChatPaneProps) {
  const [draft, setDraft] = useState('');
  const log = useRef<HTMLOListElement>(null);
  // Follow new lines only while the reader is at the bottom; someone reading back is left alone.
  const following = useRef(true);
  useLayoutEffect(() => {
    const el = log.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [chat.items]);

  const send = (): void => {
    if (draft.trim() === '') return;
    if (client.say(draft)) setDraft('');
  };

  return (
    <section class="pane chat" aria-labelledby="chat-title">
      <h2 id="chat-title">{t.chat}</h2>
      <div class="chat-body">
        <ol
          class="log"
          ref={log}
          aria-live="polite"
          aria-relevant="additions"
          aria-labelledby="chat-title"
          // Focusable so keyboard users can scroll the log.
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget;
            following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
          }}
        >
          {chat.items.length === 0 && <li class="line empty">{t.emptyChat}</li>}
          {chat.items.map((item) => (
            <ChatLine key={item.key} item={item} t={t} lang={lang} onRetry={() => client.retry(item.key)} />
          ))}
        </ol>
        <aside class="members" aria-labelledby="members-title">
          <h3 id="members-title">{t.members(chat.members.length)}</h3>
          <ul>
            {chat.members.map((member) => (
              <li key={member} data-name={member} class={member === chat.name ? 'me' : undefined}>
                {member}
                {member === chat.name && <span class="you"> ({t.you})</span>}
              </li>
            ))}
          </ul>
        </aside>
      </div>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label for="composer" class="sr-only">
          {t.messageLabel}
        </label>
        <textarea
          id="composer"
          rows={2}
          value={draft}
          placeholder={t.messagePlaceholder}
          aria-describedby={chat.sayError ? 'say-error' : undefined}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition (Chinese
            // input) must not send the half-typed text.
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="primary" disabled={chat.status !== 'in'}>
          {t.send}
        </button>
        {chat.sayError && (
          <p id="say-error" class="error" role="alert">
            {errorText(lang, chat.sayError)}
          </p>
        )}
      </form>
    </section>
  );
}

function ChatLine({ item, t, lang, onRetry }: { item: ChatItem; t: Texts; lang: Lang; onRetry: () => void }) {
  const time = (
    <time dateTime={new Date(item.at).toISOString()} title={formatTime(lang, item.at, 'full')}>
      {formatTime(lang, item.at)}
    </time>
  );
  switch (item.kind) {
    case 'message':
      return (
        <li class={`line message${item.mine ? ' mine' : ''}${item.failed ? ' failed' : ''}`}>
          {time}
          <span class="who">{item.name}</span>
          <span class="text">{item.text}</span>
          {item.failed && (
            <>
              <span class="tag">{t.notSent}</span>
              <button type="button" class="link retry" onClick={onRetry}>
                {t.sendAgain}
              </button>
            </>
          )}
        </li>
      );
    case 'announce':
      return (
        <li class="line announce">
          {time}
          <span class="badge">{t.announcement}</span>
          <span class="text">{item.text}</span>
        </li>
      );
    case 'file':
      return (
        <li class="line file">
          {time}
          <span class="text">
            <FileIcon /> {t.shared(item.name ?? t.someone)}{' '}
            <a href={fileUrl(item.path ?? '')} download>
              {item.path}
            </a>{' '}
            ({formatSize(item.size ?? 0)})
          </span>
        </li>
      );
    case 'reconnected':
      return (
        <li class="line notice local">
          {time}
          <span class="text">{t.reconnected}</span>
        </li>
      );
    default:
      return (
        <li class={`line notice ${item.kind}`}>
          {time}
          <span class="text">{eventText(t, item)}</span>
        </li>
      );
  }
}
