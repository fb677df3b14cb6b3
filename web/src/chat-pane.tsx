// The chat pane: the live log (history first), the member list and the composer.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fileUrl } from './api.js';
import { retryable } from './chat-items.js';
import type { ChatClient, ChatItem, ChatState } from './chat.js';
import { Composer } from './composer.js';
import { whereNow, type FileFates } from './file-fates.js';
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
  const box = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLOListElement>(null);
  // Just entered (or back after a reload): writing is what comes next, so the caret goes there
  // rather than leaving Tab to walk through every log line and file link first.
  useEffect(() => box.current?.focus(), []);
  // Follow new lines only while the reader is at the bottom; someone reading back is left alone.
  const following = useRef(true);
  useLayoutEffect(() => {
    const el = log.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [chat.items]);

  const edit = (key: string): void => {
    const text = client.takeBack(key);
    if (text === undefined) return;
    setDraft(text);
    box.current?.focus();
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
            <ChatLine key={item.key} item={item} t={t} lang={lang} fates={chat.fates} onRetry={() => client.retry(item.key)} onEdit={() => edit(item.key)} />
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
      <Composer t={t} lang={lang} chat={chat} client={client} draft={draft} setDraft={setDraft} box={box} />
    </section>
  );
}

interface ChatLineProps {
  readonly item: ChatItem;
  readonly t: Texts;
  readonly lang: Lang;
  readonly fates: FileFates;
  readonly onRetry: () => void;
  readonly onEdit: () => void;
}

function ChatLine({ item, t, lang, fates, onRetry, onEdit }: ChatLineProps) {
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
              {/* The reason stays with the line: the composer's error is gone after the next send. */}
              <span class="tag">
                {t.notSent}: {errorText(lang, item.failed)}
              </span>
              {retryable(item.failed) && (
                <button type="button" class="link retry" onClick={onRetry}>
                  {t.sendAgain}
                </button>
              )}
              <button type="button" class="link retry" onClick={onEdit}>
                {t.edit}
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
      return <FileLine item={item} t={t} fates={fates} time={time} />;
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

/** A file notice: a download link named as the file, or a note that the file was deleted or moved since. */
function FileLine({ item, t, fates, time }: { item: ChatItem; t: Texts; fates: FileFates; time: preact.JSX.Element }) {
  const path = item.path ?? '';
  const now = whereNow(fates, path);
  return (
    <li class={`line file${now === undefined ? ' deleted' : ''}`}>
      {time}
      <span class="text">
        <FileIcon /> {t.shared(item.name ?? t.someone)}{' '}
        {now === undefined ? (
          <del class="path">{path}</del>
        ) : (
          <a href={fileUrl(now)} download={now.slice(now.lastIndexOf('/') + 1)}>
            {path}
          </a>
        )}{' '}
        ({formatSize(item.size ?? 0)})
        {now === undefined && <span class="tag">{t.fileDeleted}</span>}
        {now !== undefined && now !== path && <span class="tag moved">{t.fileMoved(now)}</span>}
      </span>
    </li>
  );
}
