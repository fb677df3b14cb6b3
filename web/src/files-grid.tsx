// The grid view of the listing: a card per entry with a thumbnail (images, from the server's thumbs/) or an icon, its name and a checkbox.
import { useState } from 'preact/hooks';
import { joinPath } from './api.js';
import { dropInto, startDrag } from './files-drag.js';
import { formatSize, type Texts } from './i18n.js';
import { FileIcon, FolderIcon } from './icons.js';
import type { FileEntry } from './protocol.js';
import { hasThumbnail, ThumbImage } from './thumb-image.js';

/** Properties of {@link FilesGrid}. */
export interface FilesGridProps {
  readonly t: Texts;
  readonly dir: string;
  readonly entries: readonly FileEntry[];
  readonly selected: ReadonlySet<string>;
  readonly hrefOf: (entry: FileEntry) => string;
  readonly onOpen: (entry: FileEntry) => (e: MouseEvent) => void;
  readonly onSelect: (entry: FileEntry, range: boolean) => void;
  readonly onMoveInto: (paths: string[], target: string) => void;
  readonly dragPaths: (entry: FileEntry) => string[];
}

/** Every entry shown as a card. */
export function FilesGrid(props: FilesGridProps) {
  return (
    <ul class="file-grid">
      {props.entries.map((entry) => (
        <GridCard key={entry.name} {...props} entry={entry} />
      ))}
    </ul>
  );
}

function GridCard({ t, dir, entry, selected, hrefOf, onOpen, onSelect, onMoveInto, dragPaths }: FilesGridProps & { readonly entry: FileEntry }) {
  const [over, setOver] = useState(false);
  const path = joinPath(dir, entry.name);
  const folder = entry.type === 'dir';
  const picked = selected.has(entry.name);
  return (
    <li
      data-name={entry.name}
      class={`card ${entry.type}${picked ? ' selected' : ''}${over ? ' drop-target' : ''}`}
      draggable
      onDragStart={(e) => startDrag(e, dragPaths(entry))}
      {...(folder ? dropInto(path, setOver, onMoveInto) : {})}
    >
      <input type="checkbox" class="pick" checked={picked} aria-label={t.selectEntry(entry.name)} onClick={(e) => onSelect(entry, e.shiftKey)} />
      <a href={hrefOf(entry)} onClick={onOpen(entry)} aria-label={folder ? t.open(entry.name) : t.viewFile(entry.name)}>
        <span class="thumb">
          {folder ? (
            <FolderIcon />
          ) : hasThumbnail(entry.name) ? (
            <ThumbImage path={path} version={`${entry.size}-${entry.mtime}`} alt="" fallback={<FileIcon />} />
          ) : (
            <FileIcon />
          )}
        </span>
        <span class="card-name">{entry.name}</span>
      </a>
      {/* Outside the link: its accessible name ("View NAME") must contain all its visible text. */}
      <span class="card-size">{folder ? t.folder : formatSize(entry.size)}</span>
    </li>
  );
}
