// One line of a chat log: a message (Markdown; ours possibly refused, with its remedies; edited or deleted), a notice, an announcement, a file with its card.
import { useState } from 'preact/hooks';
import { fileUrl } from './api.js';
import { retryable } from './chat-items.js';
import type { ChatItem } from './chat.js';
import { FileCard } from './file-card.js';
import { whereNow, type FileFates } from './file-fates.js';
import { errorText, eventText, formatSize, type Lang, type Texts } from './i18n.js';
import { FileIcon } from './icons.js';
import { MessageMenu, MessageText, type MessageActions } from './log-message.js';
import { LogTime } from './log-time.js';
import type { MarkdownOptions } from './markdown.js';

/** Properties of {@link ChatLine}. */
export interface ChatLineProps {
  readonly item: ChatItem;
  readonly t: Texts;
  readonly lang: Lang;
  readonly fates: FileFates;
  readonly onRetry: () => void;
  readonly onEdit: () => void;
  /** Invitations: join the room. */
  readonly onJoin: (room: string) => void;
  /** The line a search result pointed at. */
  readonly highlighted: boolean;
  /** The time now (relative times are measured from it; it ticks). */
  readonly now: number;
  /** Same author and minute as the line above: the name and time are not shown again. */
  readonly grouped: boolean;
  /** Which `@name`s to mark (see renderMarkdown). */
  readonly mention: MarkdownOptions['mention'];
  /** Edit and delete, where one may (null: neither). */
  readonly actions: MessageActions | null;
}

/** A log line by its kind. */
export function ChatLine({ item, t, lang, fates, onRetry, onEdit, onJoin, highlighted, now, grouped, mention, actions }: ChatLineProps) {
  const [editing, setEditing] = useState(false);
  const mark = highlighted ? ' highlight' : '';
  const time = <LogTime at={item.at} now={now} t={t} lang={lang} />;
  switch (item.kind) {
    case 'message':
    case 'dm': {
      const state = `${item.mine ? ' mine' : ''}${item.failed ? ' failed' : ''}${grouped ? ' grouped' : ''}${item.deleted === true ? ' deleted' : ''}${editing ? ' editing' : ''}`;
      return (
        <li class={`line message${state}${mark}`} data-id={item.id}>
          {time}
          <span class="who">{item.name}</span>
          <MessageText
            item={item}
            t={t}
            lang={lang}
            mention={mention}
            editing={editing && item.deleted !== true}
            onSave={(text) => {
              if (item.id !== undefined) actions?.onEdit(item.id, text);
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
          {actions !== null && !editing && item.deleted !== true && !item.failed && (actions.canEdit || actions.canDelete) && (
            <MessageMenu item={item} t={t} actions={actions} onStartEdit={() => setEditing(true)} />
          )}
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
    }
    case 'announce':
      return (
        <li class={`line announce${mark}`} data-id={item.id}>
          {time}
          <span class="badge">{t.announcement}</span>
          <span class="text">{item.text}</span>
        </li>
      );
    case 'file':
      return <FileLine item={item} t={t} fates={fates} time={time} mark={mark} />;
    case 'reconnected':
      return (
        <li class="line notice local">
          {time}
          <span class="text">{t.reconnected}</span>
        </li>
      );
    case 'invite':
      return (
        <li class="line notice invite">
          {time}
          <span class="text">{eventText(t, item)}</span>
          <button type="button" class="link retry" onClick={() => onJoin(item.room ?? '')}>
            {t.joinButton} {item.room}
          </button>
        </li>
      );
    default:
      return (
        <li class={`line notice ${item.kind}`} data-id={item.id}>
          {time}
          <span class="text">{eventText(t, item)}</span>
        </li>
      );
  }
}

/** A file notice: a download link named as the file, or a note that the file was deleted or moved since. */
function FileLine({ item, t, fates, time, mark }: { item: ChatItem; t: Texts; fates: FileFates; time: preact.JSX.Element; mark: string }) {
  const path = item.path ?? '';
  const now = whereNow(fates, path);
  return (
    <li class={`line file${now === undefined ? ' deleted' : ''}${mark}`} data-id={item.id}>
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
      {/* A deleted file has nothing left to preview; a moved one is shown from where it is now. */}
      {now !== undefined && <FileCard path={now} size={item.size ?? 0} t={t} />}
    </li>
  );
}
