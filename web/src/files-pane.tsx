// The files pane: browse folders (in the address bar too), download, upload, create folders, delete; kept live by library changes.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, createFolder, deletePath, joinPath, listFolder } from './api.js';
import type { LibraryListener } from './chat.js';
import { EntryRow } from './entry-row.js';
import { errorText, type Lang, type Texts } from './i18n.js';
import { applyChange, sortEntries } from './listing.js';
import type { FileEntry, LibraryChange, WireError } from './protocol.js';
import { dirOfLocation, folderHref, showFolderInAddress } from './route.js';
import { UploadList } from './upload-list.js';
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
}

/** The shared library, one folder at a time. */
export function FilesPane({ t, lang, member, room, subscribe }: FilesPaneProps) {
  const [dir, setDirState] = useState(dirOfLocation);
  const [entries, setEntries] = useState<readonly FileEntry[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  // In-place errors: the row whose delete failed, or the new-folder form.
  const [rowError, setRowError] = useState<{ name: string; error: WireError } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [folderName, setFolderName] = useState('');
  const [folderError, setFolderError] = useState<WireError | null>(null);
  const [dragging, setDragging] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  // Answers to an older listing request (the user clicked on) must not overwrite a newer one.
  const request = useRef(0);
  // What the live changes apply to; changes arriving while a listing loads are kept and replayed
  // onto it (the listing may or may not include them: applying one twice changes nothing).
  const shown = useRef<{ dir: string; entries: readonly FileEntry[] | null; pending: LibraryChange[] | null }>({ dir, entries: null, pending: null });

  /** Open a folder: a click adds a history entry, a rename replaces it, Back/Forward leave it alone. */
  const setDir = useCallback((next: string, address: 'push' | 'replace' | 'none' = 'push') => {
    if (address !== 'none') showFolderInAddress(next, address === 'replace');
    setDirState(next);
  }, []);

  const load = useCallback(async (path: string) => {
    const id = ++request.current;
    shown.current = { dir: path, entries: shown.current.dir === path ? shown.current.entries : null, pending: [] };
    try {
      let list: readonly FileEntry[] = sortEntries(await listFolder(path));
      if (id !== request.current) return;
      for (const change of shown.current.pending ?? []) {
        const applied = applyChange(path, list, change);
        if (applied.kind === 'entries') list = applied.entries;
      }
      shown.current = { dir: path, entries: list, pending: null };
      setEntries(list);
      setError(null);
    } catch (err) {
      if (id !== request.current) return;
      shown.current = { dir: path, entries: null, pending: null };
      setEntries([]);
      setError(wireError(err));
    }
  }, []);

  useEffect(() => {
    setEntries(null);
    setConfirming(null);
    setRowError(null);
    // An error about the folder we were in is not about this one.
    setFolderError(null);
    void load(dir);
  }, [dir, load]);

  // The address bar names the folder: canonical form on arrival, Back and Forward move between folders.
  useEffect(() => {
    showFolderInAddress(dirOfLocation(), true);
    const onPop = (): void => setDir(dirOfLocation(), 'none');
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [setDir]);

  // Every change to the library, from any door, applied to the folder shown as it happens.
  useEffect(
    () =>
      subscribe((change) => {
        const now = shown.current;
        if (change === null) {
          void load(now.dir); // a new connection: what happened meanwhile was not sent to us
          return;
        }
        if (now.pending !== null) {
          now.pending.push(change);
          return;
        }
        if (now.entries === null) {
          // The folder could not be listed (gone, say): only its coming back is news.
          if (change.kind === 'mkdir' && change.path === now.dir) void load(now.dir);
          return;
        }
        const applied = applyChange(now.dir, now.entries, change);
        if (applied.kind === 'moved') setDir(applied.dir, 'replace');
        else if (applied.kind === 'gone') void load(now.dir); // says NOT_FOUND, with the way back up
        else if (applied.entries !== now.entries) {
          shown.current = { ...now, entries: applied.entries };
          setEntries(applied.entries);
        }
      }),
    [subscribe, load, setDir],
  );

  // The Delete button gives way to the question: focus goes to its safe answer, and back to the
  // Delete button when the answer is Keep, so a keyboard user is never dropped at the page's start.
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (confirming !== null) {
      asked.current = confirming;
      keep.current?.focus();
    } else if (asked.current !== null) {
      const row = [...document.querySelectorAll<HTMLTableRowElement>('.listing tr[data-name]')].find((tr) => tr.dataset.name === asked.current);
      row?.querySelector<HTMLButtonElement>('.actions button')?.focus();
      asked.current = null;
    }
  }, [confirming]);

  const uploads = useUploads(
    member,
    room,
    (where, name) => shown.current.dir === where && (shown.current.entries ?? []).some((e) => e.name === name),
    (result) => {
      succeeded();
      // The library change will say so too; this shows it at once even if that connection is down.
      const now = shown.current;
      if (now.entries === null || now.pending !== null || now.entries.some((e) => e.name === result.path.slice(result.path.lastIndexOf('/') + 1))) return;
      const applied = applyChange(now.dir, now.entries, { kind: 'put', path: result.path, size: result.size, mtime: Date.now() });
      if (applied.kind === 'entries' && applied.entries !== now.entries) {
        shown.current = { ...now, entries: applied.entries };
        setEntries(applied.entries);
      }
    },
  );

  /** Something worked: complaints about earlier attempts (a delete, a folder name) are stale now. */
  function succeeded(): void {
    setRowError(null);
    setFolderError(null);
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

  const makeFolder = async (): Promise<void> => {
    const name = folderName.trim();
    if (name === '') return;
    try {
      await createFolder(joinPath(dir, name));
      setFolderName('');
      succeeded();
    } catch (err) {
      setFolderError(wireError(err));
    }
    await load(dir);
  };

  /** A folder link: the address of the folder (new tab, copy link), opened in place on a plain click. */
  const openFolder = (target: string) => (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    setDir(target);
  };

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
        e.preventDefault();
        setDragging(false);
        const files = [...(e.dataTransfer?.files ?? [])];
        if (files.length > 0) uploads.start(dir, files);
      }}
    >
      <div class="pane-head">
        <h2 id="files-title">{t.files}</h2>
        <button type="button" class="small" onClick={() => void load(dir)}>
          {t.refresh}
        </button>
      </div>
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
                  <a href={folderHref(target)} onClick={openFolder(target)}>
                    {label}
                  </a>
                )}
              </li>
            );
          })}
        </ol>
      </nav>

      <div class="toolbar">
        <input
          id="upload-input"
          type="file"
          multiple
          class="sr-only"
          onChange={(e) => {
            const input = e.currentTarget;
            const files = [...(input.files ?? [])];
            input.value = ''; // choosing the same file again must fire `change` again
            if (files.length > 0) uploads.start(dir, files);
          }}
        />
        <label for="upload-input" class="button primary">
          {t.upload}
        </label>
        <form
          class="new-folder"
          onSubmit={(e) => {
            e.preventDefault();
            void makeFolder();
          }}
        >
          <label for="folder-name" class="sr-only">
            {t.newFolderLabel}
          </label>
          <input
            id="folder-name"
            value={folderName}
            placeholder={t.newFolder}
            aria-invalid={folderError !== null}
            aria-describedby={folderError ? 'folder-error' : undefined}
            onInput={(e) => {
              setFolderName(e.currentTarget.value);
              setFolderError(null); // being corrected: the old complaint is about another name
            }}
          />
          <button type="submit">{t.create}</button>
        </form>
      </div>
      {folderError && (
        <p id="folder-error" class="error" role="alert">
          {errorText(lang, folderError)}
        </p>
      )}
      <p class="drop-hint" aria-hidden="true">
        {t.dropHere}
      </p>

      {member === null && <p class="hint anonymous">{t.anonymousHint}</p>}

      <UploadList t={t} lang={lang} items={uploads.items} onCancel={uploads.cancel} onAnswer={uploads.answer} onDismiss={uploads.dismiss} />

      {error && (
        <p class="error" role="alert">
          {errorText(lang, error)}
        </p>
      )}
      {entries === null && <p class="muted">{t.loading}</p>}
      {entries !== null && entries.length === 0 && !error && <p class="muted">{t.emptyFolder}</p>}
      {entries !== null && entries.length > 0 && (
        <table class="listing">
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col" class="num">
                {t.size}
              </th>
              <th scope="col" class="when">
                {t.modified}
              </th>
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
                error={rowError?.name === entry.name ? rowError.error : null}
                confirming={confirming === entry.name}
                keep={keep}
                onOpen={openFolder(joinPath(dir, entry.name))}
                onAsk={() => setConfirming(entry.name)}
                onKeep={() => setConfirming(null)}
                onDelete={() => void remove(entry)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function wireError(err: unknown): WireError {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
}
