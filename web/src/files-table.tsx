// The list view of the listing: a select-all box, column headers that sort (aria-sort), and a row per entry.
import type { RefObject } from 'preact';
import { joinPath } from './api.js';
import { EntryRow } from './entry-row.js';
import type { Sort, SortKey } from './files-sort.js';
import type { Lang, Texts } from './i18n.js';
import type { FileEntry, WireError } from './protocol.js';

/** Properties of {@link FilesTable}. */
export interface FilesTableProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly dir: string;
  readonly entries: readonly FileEntry[];
  readonly sort: Sort;
  readonly onSort: (key: SortKey) => void;
  readonly selected: ReadonlySet<string>;
  readonly onSelectAll: (all: boolean) => void;
  readonly rowError: { name: string; error: WireError } | null;
  readonly confirming: string | null;
  readonly renaming: string | null;
  readonly keep: RefObject<HTMLButtonElement | null>;
  readonly hrefOf: (entry: FileEntry) => string;
  readonly onOpen: (entry: FileEntry) => (e: MouseEvent) => void;
  readonly onSelect: (entry: FileEntry, range: boolean) => void;
  readonly setConfirming: (name: string | null) => void;
  readonly onDelete: (entry: FileEntry) => void;
  readonly setRenaming: (name: string | null) => void;
  readonly onRenamed: (entry: FileEntry, name: string | null) => void;
  readonly onDetails: (entry: FileEntry) => void;
  readonly onMoveInto: (paths: string[], target: string) => void;
  readonly dragPaths: (entry: FileEntry) => string[];
}

/** The entries as a table. */
export function FilesTable(props: FilesTableProps) {
  const { t, lang, dir, entries, sort, selected } = props;
  const all = entries.length > 0 && entries.every((e) => selected.has(e.name));
  const some = !all && entries.some((e) => selected.has(e.name));
  const header = (key: SortKey, label: string, cls: string) => (
    <th scope="col" class={cls} aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={() => props.onSort(key)} aria-label={t.sortBy(label)}>
        {label}
        <span class="sort-mark" aria-hidden="true">
          {sort.key === key ? (sort.descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );
  return (
    <table class="listing">
      <thead>
        <tr>
          <th scope="col" class="pick">
            <input
              type="checkbox"
              aria-label={t.selectAll}
              checked={all}
              ref={(box) => {
                if (box) box.indeterminate = some;
              }}
              onClick={() => props.onSelectAll(!all)}
            />
          </th>
          {header('name', t.name, 'name')}
          {header('size', t.size, 'num')}
          {header('mtime', t.modified, 'when')}
          <th scope="col" class="actions">
            <span class="sr-only">{t.actions}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <EntryRow
            key={entry.name}
            t={t}
            lang={lang}
            dir={dir}
            entry={entry}
            href={props.hrefOf(entry)}
            selected={selected.has(entry.name)}
            error={props.rowError?.name === entry.name ? props.rowError.error : null}
            confirming={props.confirming === entry.name}
            renaming={props.renaming === entry.name}
            keep={props.keep}
            onOpen={props.onOpen(entry)}
            onSelect={(range) => props.onSelect(entry, range)}
            onAsk={() => props.setConfirming(entry.name)}
            onKeep={() => props.setConfirming(null)}
            onDelete={() => props.onDelete(entry)}
            onRename={() => props.setRenaming(entry.name)}
            onRenamed={(name) => props.onRenamed(entry, name)}
            onDetails={() => props.onDetails(entry)}
            onMoveInto={props.onMoveInto}
            dragPaths={() => props.dragPaths(entry)}
          />
        ))}
      </tbody>
    </table>
  );
}

/** The library path of an entry of `dir`. */
export const pathIn = (dir: string, entry: FileEntry): string => joinPath(dir, entry.name);
