// One line of a chat log: a message (ours possibly refused, with its remedies), a notice, an announcement, a file.
import { fileUrl } from './api.js';
import { retryable } from './chat-items.js';
import type { ChatItem } from './chat.js';
import { whereNow, type FileFates } from './file-fates.js';
import { errorText, eventText, formatSize, formatTime, type Lang, type Texts } from './i18n.js';
import { FileIcon } from './icons.js';

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
}

/** A log line by its kind. */
export function ChatLine({ item, t, lang, fates, onRetry, onEdit, onJoin, highlighted }: ChatLineProps) {
  const mark = highlighted ? ' highlight' : '';
  const time = (
    <time dateTime={new Date(item.at).toISOString()} title={formatTime(lang, item.at, 'full')}>
      {formatTime(lang, item.at)}
    </time>
  );
  switch (item.kind) {
    case 'message':
    case 'dm':
      return (
        <li class={`line message${item.mine ? ' mine' : ''}${item.failed ? ' failed' : ''}${mark}`} data-id={item.id}>
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
    </li>
  );
}
