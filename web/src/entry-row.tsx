// One row of the files listing: a download link or a folder link, size, time, and delete with confirmation.
import type { RefObject } from 'preact';
import { fileUrl, joinPath } from './api.js';
import { errorText, formatSize, formatTime, type Lang, type Texts } from './i18n.js';
import { FileIcon, FolderIcon } from './icons.js';
import type { FileEntry, WireError } from './protocol.js';
import { folderHref } from './route.js';

/** Properties of {@link EntryRow}. */
export interface EntryRowProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly dir: string;
  readonly entry: FileEntry;
  readonly error: WireError | null;
  readonly confirming: boolean;
  readonly keep: RefObject<HTMLButtonElement | null>;
  readonly onOpen: (e: MouseEvent) => void;
  readonly onAsk: () => void;
  readonly onKeep: () => void;
  readonly onDelete: () => void;
}

/** One file or folder; while its deletion is being confirmed, the question takes a full row below it. */
export function EntryRow({ t, lang, dir, entry, error, confirming, keep, onOpen, onAsk, onKeep, onDelete }: EntryRowProps) {
  return (
    <>
      <tr data-name={entry.name} class={entry.type}>
        <td class="name">
          {entry.type === 'dir' ? (
            <a href={folderHref(joinPath(dir, entry.name))} onClick={onOpen} aria-label={t.open(entry.name)}>
              <FolderIcon />
              <span>{entry.name}</span>
            </a>
          ) : (
            <a href={fileUrl(joinPath(dir, entry.name))} download={entry.name} aria-label={t.download(entry.name)}>
              <FileIcon />
              <span>{entry.name}</span>
            </a>
          )}
          {error && (
            <span class="error" role="alert">
              {errorText(lang, error)}
            </span>
          )}
        </td>
        <td class="num">{entry.type === 'dir' ? t.folder : formatSize(entry.size)}</td>
        <td class="when">
          <time dateTime={new Date(entry.mtime).toISOString()} title={formatTime(lang, entry.mtime, 'full')}>
            {formatTime(lang, entry.mtime, 'date')}
          </time>
        </td>
        <td class="actions">
          {!confirming && (
            <button type="button" class="small" onClick={onAsk} aria-label={t.deleteLabel(entry.name)}>
              {t.delete}
            </button>
          )}
        </td>
      </tr>
      {confirming && (
        <tr class="confirm-row">
          <td colSpan={4}>
            <span class="confirm">
              <span>{t.confirmDelete(entry.name)}</span>
              <button type="button" class="danger small" onClick={onDelete}>
                {t.yes}
              </button>
              <button type="button" class="small" ref={keep} onClick={onKeep}>
                {t.no}
              </button>
            </span>
          </td>
        </tr>
      )}
    </>
  );
}
