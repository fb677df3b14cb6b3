// What the listing shows: the folder's entries sorted by a column (folders first) and filtered by name; the list/grid choice kept in the browser.
import type { FileEntry } from './protocol.js';

/** A sortable column. */
export type SortKey = 'name' | 'size' | 'mtime';

/** The column and its direction. */
export interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

export const DEFAULT_SORT: Sort = { key: 'name', descending: false };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The entries to show: those whose name contains `filter` (any case), folders first, then by the
 * column; ties by name, so the order is stable whatever the column.
 */
export function arrange(entries: readonly FileEntry[], sort: Sort, filter: string): FileEntry[] {
  const needle = filter.trim().toLocaleLowerCase();
  const shown = needle === '' ? [...entries] : entries.filter((e) => e.name.toLocaleLowerCase().includes(needle));
  const sign = sort.descending ? -1 : 1;
  return shown.sort((a, b) => {
    if (a.type !== b.type) return a.type === 'dir' ? -1 : 1;
    const by = sort.key === 'name' ? 0 : sort.key === 'size' ? a.size - b.size : a.mtime - b.mtime;
    return sign * (by !== 0 ? by : collator.compare(a.name, b.name));
  });
}

/** The next sort after a click on `key`: the same column flips, another starts ascending (dates newest first). */
export function nextSort(now: Sort, key: SortKey): Sort {
  if (now.key === key) return { key, descending: !now.descending };
  return { key, descending: key === 'mtime' };
}

/** List or grid. */
export type FilesView = 'list' | 'grid';

const VIEW_KEY = 'netroom.filesView';

/** The view chosen last time in this browser (list when none, or when storage is unavailable). */
export function savedView(): FilesView {
  try {
    return localStorage.getItem(VIEW_KEY) === 'grid' ? 'grid' : 'list';
  } catch {
    return 'list';
  }
}

/** Remember the view for the next visit. */
export function saveView(view: FilesView): void {
  try {
    localStorage.setItem(VIEW_KEY, view);
  } catch {
    // Private mode or storage off: the choice lasts for this page only.
  }
}

/** The names between `from` and `to` (inclusive) in the order shown: a shift-click's range. */
export function rangeOf(shown: readonly FileEntry[], from: string, to: string): string[] {
  const a = shown.findIndex((e) => e.name === from);
  const b = shown.findIndex((e) => e.name === to);
  if (a < 0 || b < 0) return [to];
  return shown.slice(Math.min(a, b), Math.max(a, b) + 1).map((e) => e.name);
}

/** The extension of a name, without the dot ('' for none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : '';
}
