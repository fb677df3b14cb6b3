// The files pane: browse folders (in the address bar, room kept), sort, filter, list or grid, select to zip, delete or move, rename, upload files and folders; kept live by library changes.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createFolder, deletePath, joinPath } from './api.js';
import type { LibraryListener } from './chat.js';
import { ensureFolder, moveEntry } from './files-api.js';
import { FileDetails } from './files-details.js';
import { dropInto } from './files-drag.js';
import { FilesGrid } from './files-grid.js';
import { FilesTools, StorageLine } from './files-head.js';
import { useListing, wireError } from './files-listing.js';
import { SelectionBar } from './files-selection.js';
import { arrange, DEFAULT_SORT, nextSort, rangeOf, savedView, saveView, type FilesView, type Sort } from './files-sort.js';
import { FilesTable, pathIn } from './files-table.js';
import { byFolder, filesOfDrop, filesOfInput, type TreeFile } from './files-tree.js';
import { errorText, type Lang, type Texts } from './i18n.js';
import { go, placeHref } from './place.js';
import type { FileEntry, WireError } from './protocol.js';
import { UploadList } from './upload-list.js';
import { usePlace } from './use-place.js';
import { useUploads } from './use-uploads.js';

/** Properties of {@link FilesPane}. */
export interface FilesPaneProps {
  readonly t: Texts;
  readonly lang: Lang;
  /** Our room name, sent with uploads so the file notice names us; null: not in the room (anonymous). */
  readonly member: string | null;
  /** The room on screen (or last on screen): uploads are shared into it; null: the server's default, #lobby. */
  readonly room: string | null;
  /** Library changes from every door (the chat connection's); returns the way to stop listening. */
  readonly subscribe: (listener: LibraryListener) => () => void;
  /** Signed in as an administrator: the storage figures are shown. */
  readonly admin?: boolean;
}

/** Several entries' failures, as one message under the toolbar. */
interface BatchError {
  readonly title: string;
  readonly items: ReadonlyArray<{ name: string; error: WireError }>;
}

/** The shared library, one folder at a time. */
export function FilesPane({ t, lang, member, room, subscribe, admin = false }: FilesPaneProps) {
  const place = usePlace();
  const dir = place.dir;
  const moved = useCallback((to: string) => go({ dir: to }, { replace: true }), []);
  const listing = useListing(dir, subscribe, moved);
  const { entries, error, load } = listing;
  // In-place errors: the row whose delete or rename failed, the new-folder form, a batch.
  const [rowError, setRowError] = useState<{ name: string; error: WireError } | null>(null);
  const [folderError, setFolderError] = useState<WireError | null>(null);
  const [batchError, setBatchError] = useState<BatchError | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [details, setDetails] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [crumbOver, setCrumbOver] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [filter, setFilter] = useState('');
  const [view, setView] = useState<FilesView>(savedView);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  // Bumped after changes we make, so the storage figures are read again.
  const [version, setVersion] = useState(0);
  const anchor = useRef<string | null>(null);
  const keep = useRef<HTMLButtonElement>(null);

  // Another folder: nothing selected, filtered, asked or shown in details any more.
  useEffect(() => {
    setSelected(new Set());
    setFilter('');
    setConfirming(null);
    setRenaming(null);
    setDetails(null);
    setRowError(null);
    setFolderError(null);
    setBatchError(null);
    anchor.current = null;
  }, [dir]);

  // Names gone from the folder (deleted or moved, here or elsewhere) leave the selection.
  useEffect(() => {
    if (entries === null) return;
    const names = new Set(entries.map((e) => e.name));
    setSelected((now) => ([...now].every((n) => names.has(n)) ? now : new Set([...now].filter((n) => names.has(n)))));
  }, [entries]);

  const shown = useMemo(() => arrange(entries ?? [], sort, filter), [entries, sort, filter]);

  // The Delete button gives way to the question: focus goes to its safe answer, and back to the
  // Delete button when the answer is Keep, so a keyboard user is never dropped at the page's start.
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (confirming !== null) {
      asked.current = confirming;
      keep.current?.focus();
    } else if (asked.current !== null) {
      const row = [...document.querySelectorAll<HTMLTableRowElement>('.listing tr[data-name]')].find((tr) => tr.dataset.name === asked.current);
      row?.querySelector<HTMLButtonElement>('.actions button.delete')?.focus();
      asked.current = null;
    }
  }, [confirming]);

  const uploads = useUploads(member, room, listing.has, (result) => {
    succeeded();
    // The library change will say so too; this shows it at once even if that connection is down.
    const name = result.path.slice(result.path.lastIndexOf('/') + 1);
    if (!listing.has(dir, name)) listing.apply({ kind: 'put', path: result.path, size: result.size, mtime: Date.now() });
  });

  /** Something worked: complaints about earlier attempts are stale now; the storage figures too. */
  function succeeded(): void {
    setRowError(null);
    setFolderError(null);
    setVersion((v) => v + 1);
  }

  const remove = async (entry: FileEntry): Promise<void> => {
    setConfirming(null);
    try {
      await deletePath(joinPath(dir, entry.name));
      succeeded();
    } catch (err) {
      setRowError({ name: entry.name, error: wireError(err) });
    }
    await load(dir);
  };

  const makeFolder = async (name: string): Promise<boolean> => {
    try {
      await createFolder(joinPath(dir, name));
      succeeded();
      return true;
    } catch (err) {
      setFolderError(wireError(err));
      return false;
    } finally {
      await load(dir);
    }
  };

  /** Run `act` on each path, one at a time; what failed is reported under `title`. */
  const batch = async (paths: readonly string[], title: (n: number) => string, act: (path: string) => Promise<void>): Promise<void> => {
    setBusy(true);
    setBatchError(null);
    const failed: Array<{ name: string; error: WireError }> = [];
    for (const path of paths) {
      try {
        await act(path);
      } catch (err) {
        failed.push({ name: path, error: wireError(err) });
      }
    }
    setBusy(false);
    if (failed.length > 0) setBatchError({ title: title(failed.length), items: failed });
    else setSelected(new Set());
    succeeded();
    await load(dir);
  };

  const moveInto = (paths: string[], target: string): void => {
    // Already there: nothing to move (the server would call it a move onto itself).
    const moving = paths.filter((path) => path.slice(0, Math.max(0, path.lastIndexOf('/'))) !== target);
    if (moving.length === 0) return;
    void batch(moving, t.notMoved, (path) => moveEntry(path, joinPath(target, path.slice(path.lastIndexOf('/') + 1))));
  };

  const rename = async (entry: FileEntry, name: string | null): Promise<void> => {
    setRenaming(null);
    if (name === null) return;
    try {
      await moveEntry(joinPath(dir, entry.name), joinPath(dir, name));
      succeeded();
    } catch (err) {
      setRowError({ name: entry.name, error: wireError(err) });
    }
    await load(dir);
  };

  /** Upload a folder's files, each into its folder (made first), through the one upload queue. */
  const uploadTree = async (files: readonly TreeFile[], folders: readonly string[] = []): Promise<void> => {
    const known = new Set<string>();
    try {
      for (const folder of folders) await ensureFolder(dir, folder, known);
      for (const [rel, group] of byFolder(files)) {
        if (rel !== '') await ensureFolder(dir, rel, known);
        uploads.start(joinPath(dir, rel), group);
      }
    } catch (err) {
      setFolderError(wireError(err));
    }
  };

  const select = (entry: FileEntry, range: boolean): void => {
    setSelected((now) => {
      const next = new Set(now);
      if (range && anchor.current !== null) for (const name of rangeOf(shown, anchor.current, entry.name)) next.add(name);
      else if (next.has(entry.name)) next.delete(entry.name);
      else next.add(entry.name);
      return next;
    });
    if (!range) anchor.current = entry.name;
  };

  /** A folder link: the address of the folder (new tab, copy link), opened in place on a plain click; a file opens in the viewer. */
  const plainClick = (e: MouseEvent): boolean => e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
  const openFolder = (target: string) => (e: MouseEvent) => {
    if (!plainClick(e)) return;
    e.preventDefault();
    go({ dir: target });
  };
  const onOpen = (entry: FileEntry) => (e: MouseEvent) => {
    if (entry.type === 'dir') return openFolder(pathIn(dir, entry))(e);
    if (!plainClick(e)) return;
    e.preventDefault();
    go({ view: entry.name });
  };
  const hrefOf = (entry: FileEntry): string =>
    entry.type === 'dir' ? placeHref({ ...place, dir: pathIn(dir, entry), view: null }) : placeHref({ ...place, view: entry.name });
  const dragPaths = (entry: FileEntry): string[] => (selected.has(entry.name) ? [...selected] : [entry.name]).map((n) => joinPath(dir, n));

  const picked = shown.filter((e) => selected.has(e.name));
  const detailed = details === null ? undefined : entries?.find((e) => e.name === details);
  const parts = dir === '' ? [] : dir.split('/');
  return (
    <section
      class={`pane files${dragging ? ' dragging' : ''}`}
      aria-labelledby="files-title"
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        // Leaving for a child element is not leaving the pane.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setDragging(false);
        const loose = [...e.dataTransfer.files];
        // Items are readable only during the drop event itself: take the folder entries now.
        void filesOfDrop(e.dataTransfer.items).then((tree) => {
          if (tree !== null) void uploadTree(tree.files, tree.folders);
          else if (loose.length > 0) uploads.start(dir, loose);
        });
      }}
    >
      <div class="pane-head">
        <h2 id="files-title">{t.files}</h2>
        <button type="button" class="small" onClick={() => void load(dir)}>
          {t.refresh}
        </button>
      </div>
      {admin && <StorageLine t={t} version={version} />}
      <nav class="crumbs" aria-label={t.folderPath}>
        <ol>
          {[t.root, ...parts].map((label, i) => {
            const target = parts.slice(0, i).join('/');
            const current = i === parts.length;
            return (
              <li key={target}>
                {current ? (
                  <span aria-current="page">{label}</span>
                ) : (
                  <a
                    href={placeHref({ ...place, dir: target, view: null })}
                    onClick={openFolder(target)}
                    class={crumbOver === target ? 'drop-target' : undefined}
                    {...dropInto(target, (over) => setCrumbOver(over ? target : null), moveInto)}
                  >
                    {label}
                  </a>
                )}
              </li>
            );
          })}
        </ol>
      </nav>

      <FilesTools
        t={t}
        lang={lang}
        onFiles={(files) => uploads.start(dir, files)}
        onFolder={(files) => void uploadTree(filesOfInput(files))}
        onMakeFolder={makeFolder}
        folderError={folderError}
        clearFolderError={() => setFolderError(null)}
        filter={filter}
        onFilter={setFilter}
        view={view}
        onView={(next) => {
          setView(next);
          saveView(next);
        }}
      />
      <p class="drop-hint" aria-hidden="true">
        {t.dropHere}
      </p>

      {member === null && <p class="hint anonymous">{t.anonymousHint}</p>}

      <UploadList t={t} lang={lang} items={uploads.items} onCancel={uploads.cancel} onAnswer={uploads.answer} onDismiss={uploads.dismiss} />

      {picked.length > 0 && (
        <SelectionBar
          t={t}
          paths={picked.map((e) => pathIn(dir, e))}
          singleFile={picked.length === 1 && picked[0]?.type === 'file'}
          dir={dir}
          busy={busy}
          onDelete={() => void batch(picked.map((e) => pathIn(dir, e)), t.notDeleted, deletePath)}
          onMove={(target) => moveInto(picked.map((e) => pathIn(dir, e)), target)}
          onClear={() => setSelected(new Set())}
        />
      )}
      {batchError && (
        <div class="error batch-error" role="alert">
          <p>{batchError.title}</p>
          <ul>
            {batchError.items.map((item) => (
              <li key={item.name}>
                {item.name}: {errorText(lang, item.error)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {errorText(lang, error)}
        </p>
      )}
      {entries === null && <p class="muted">{t.loading}</p>}
      {entries !== null && entries.length === 0 && !error && <p class="muted">{t.emptyFolder}</p>}
      {entries !== null && entries.length > 0 && shown.length === 0 && <p class="muted">{t.noMatch(filter)}</p>}
      {detailed && <FileDetails t={t} lang={lang} dir={dir} entry={detailed} onClose={() => setDetails(null)} />}
      <div class="listing-area">
        {shown.length > 0 &&
          (view === 'grid' ? (
            <FilesGrid t={t} dir={dir} entries={shown} selected={selected} hrefOf={hrefOf} onOpen={onOpen} onSelect={select} onMoveInto={moveInto} dragPaths={dragPaths} />
          ) : (
            <FilesTable
              t={t}
              lang={lang}
              dir={dir}
              entries={shown}
              sort={sort}
              onSort={(key) => setSort((now) => nextSort(now, key))}
              selected={selected}
              onSelectAll={(all) => setSelected(all ? new Set(shown.map((e) => e.name)) : new Set())}
              rowError={rowError}
              confirming={confirming}
              renaming={renaming}
              keep={keep}
              hrefOf={hrefOf}
              onOpen={onOpen}
              onSelect={select}
              setConfirming={setConfirming}
              onDelete={(entry) => void remove(entry)}
              setRenaming={setRenaming}
              onRenamed={(entry, name) => void rename(entry, name)}
              onDetails={(entry) => setDetails(entry.name)}
              onMoveInto={moveInto}
              dragPaths={dragPaths}
            />
          ))}
      </div>
    </section>
  );
}
