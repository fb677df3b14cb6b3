// One row of the files listing: select, open (folder) or view (file), size, time, and download, rename, details, delete with confirmation; rows drag onto folders.
import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { fileUrl, joinPath } from './api.js';
import { dropInto, startDrag } from './files-drag.js';
import { DownloadIcon, InfoIcon, RenameIcon } from './files-icons.js';
import { errorText, formatSize, formatTime, type Lang, type Texts } from './i18n.js';
import { FileIcon, FolderIcon } from './icons.js';
import type { FileEntry, WireError } from './protocol.js';

/** What a row can ask of the pane. */
export interface EntryActions {
  /** A plain click on the name: open the folder, or the file in the viewer. */
  readonly onOpen: (e: MouseEvent) => void;
  /** The checkbox: `range` when shift was held. */
  readonly onSelect: (range: boolean) => void;
  readonly onAsk: () => void;
  readonly onKeep: () => void;
  readonly onDelete: () => void;
  readonly onRename: () => void;
  /** The new name (trimmed), or null to keep the old one. */
  readonly onRenamed: (name: string | null) => void;
  readonly onDetails: () => void;
  /** Paths dragged onto this folder row. */
  readonly onMoveInto: (paths: string[], target: string) => void;
  /** What a drag of this row carries: this entry, or the whole selection when it is part of it. */
  readonly dragPaths: () => string[];
}

/** Properties of {@link EntryRow}. */
export interface EntryRowProps extends EntryActions {
  readonly t: Texts;
  readonly lang: Lang;
  readonly dir: string;
  readonly entry: FileEntry;
  /** Where the name links to: the folder's address, or the file in the viewer. */
  readonly href: string;
  readonly selected: boolean;
  readonly error: WireError | null;
  readonly confirming: boolean;
  readonly renaming: boolean;
  readonly keep: RefObject<HTMLButtonElement | null>;
}

/** One file or folder; while its deletion is being confirmed, the question takes a full row below it. */
export function EntryRow(props: EntryRowProps) {
  const { t, lang, dir, entry, href, selected, error, confirming, renaming, keep } = props;
  const [over, setOver] = useState(false);
  const path = joinPath(dir, entry.name);
  const folder = entry.type === 'dir';
  const drop = folder ? dropInto(path, setOver, props.onMoveInto) : {};
  return (
    <>
      <tr
        data-name={entry.name}
        class={`${entry.type}${selected ? ' selected' : ''}${over ? ' drop-target' : ''}`}
        draggable={!renaming}
        onDragStart={(e) => startDrag(e, props.dragPaths())}
        {...drop}
      >
        <td class="pick">
          <input
            type="checkbox"
            checked={selected}
            aria-label={t.selectEntry(entry.name)}
            // The box toggles itself; the pane's state then says what every box shows (a shift-click marks a range).
            onClick={(e) => props.onSelect(e.shiftKey)}
          />
        </td>
        <td class="name">
          {renaming ? (
            <RenameForm t={t} name={entry.name} onDone={props.onRenamed} />
          ) : (
            <a href={href} onClick={props.onOpen} aria-label={folder ? t.open(entry.name) : t.viewFile(entry.name)}>
              {folder ? <FolderIcon /> : <FileIcon />}
              <span>{entry.name}</span>
            </a>
          )}
          {error && (
            <span class="error" role="alert">
              {errorText(lang, error)}
            </span>
          )}
        </td>
        <td class="num">{folder ? t.folder : formatSize(entry.size)}</td>
        <td class="when">
          <time dateTime={new Date(entry.mtime).toISOString()} title={formatTime(lang, entry.mtime, 'full')}>
            {formatTime(lang, entry.mtime, 'date')}
          </time>
        </td>
        <td class="actions">
          {!folder && (
            <a class="button small icon-button" href={fileUrl(path)} download={entry.name} aria-label={t.download(entry.name)} title={t.download(entry.name)}>
              <DownloadIcon />
            </a>
          )}
          <button type="button" class="small icon-button" onClick={props.onRename} aria-label={t.renameLabel(entry.name)} title={t.rename}>
            <RenameIcon />
          </button>
          <button type="button" class="small icon-button" onClick={props.onDetails} aria-label={t.detailsLabel(entry.name)} title={t.details}>
            <InfoIcon />
          </button>
          {!confirming && (
            <button type="button" class="small delete" onClick={props.onAsk} aria-label={t.deleteLabel(entry.name)}>
              {t.delete}
            </button>
          )}
        </td>
      </tr>
      {confirming && (
        <tr class="confirm-row">
          <td colSpan={5}>
            <span class="confirm">
              <span>{t.confirmDelete(entry.name)}</span>
              <button type="button" class="danger small" onClick={props.onDelete}>
                {t.yes}
              </button>
              <button type="button" class="small" ref={keep} onClick={props.onKeep}>
                {t.no}
              </button>
            </span>
          </td>
        </tr>
      )}
    </>
  );
}

/** The name being edited in place: Enter saves, Escape (or Cancel) keeps the old name. */
function RenameForm({ t, name, onDone }: { readonly t: Texts; readonly name: string; readonly onDone: (name: string | null) => void }) {
  const [value, setValue] = useState(name);
  return (
    <form
      class="rename"
      onSubmit={(e) => {
        e.preventDefault();
        const next = value.trim();
        onDone(next === '' || next === name ? null : next);
      }}
    >
      <input
        value={value}
        aria-label={t.newName(name)}
        ref={(input) => {
          // Focused once, with the name before its extension selected, as file managers do.
          if (input && input.dataset.ready !== '1') {
            input.dataset.ready = '1';
            input.focus();
            const dot = name.lastIndexOf('.');
            input.setSelectionRange(0, dot > 0 ? dot : name.length);
          }
        }}
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onDone(null);
          }
        }}
      />
      <button type="submit" class="small">
        {t.save}
      </button>
      <button type="button" class="small" onClick={() => onDone(null)}>
        {t.cancel}
      </button>
    </form>
  );
}
