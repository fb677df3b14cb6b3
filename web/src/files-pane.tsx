// The files pane: browse folders, download, upload (picker or drag and drop), create folders, delete.
import type { RefObject } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, createFolder, deletePath, dirOf, fileUrl, joinPath, listFolder } from './api.js';
import { errorText, formatSize, formatTime, type Lang, type Texts } from './i18n.js';
import { FileIcon, FolderIcon } from './icons.js';
import type { FileEntry, WireError } from './protocol.js';
import { UploadList, useUploads } from './uploads.js';

/** Properties of {@link FilesPane}. */
export interface FilesPaneProps {
  readonly t: Texts;
  readonly lang: Lang;
  /** Our room name, sent with uploads so the file notice names us. */
  readonly member: string | null;
  /** The latest file notice from the chat: the pane refreshes when it lands in the folder shown. */
  readonly lastFile: { readonly path: string; readonly seq: number } | null;
}

/** The shared library, one folder at a time. */
export function FilesPane({ t, lang, member, lastFile }: FilesPaneProps) {
  const [dir, setDir] = useState('');
  const [entries, setEntries] = useState<FileEntry[] | null>(null);
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

  const load = useCallback(async (path: string) => {
    const id = ++request.current;
    try {
      const list = await listFolder(path);
      if (id !== request.current) return;
      setEntries(sortEntries(list));
      setError(null);
    } catch (err) {
      if (id !== request.current) return;
      setEntries([]);
      setError(wireError(err));
    }
  }, []);

  useEffect(() => {
    setEntries(null);
    setConfirming(null);
    setRowError(null);
    void load(dir);
  }, [dir, load]);

  useEffect(() => {
    if (lastFile && dirOf(lastFile.path) === dir) void load(dir);
    // Only a new notice triggers this, not a change of folder (the effect above loads then).
  }, [lastFile]);

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

  const uploads = useUploads(member, (path) => {
    if (dirOf(path) === dir) void load(dir);
  });

  const remove = async (entry: FileEntry): Promise<void> => {
    setConfirming(null);
    try {
      await deletePath(joinPath(dir, entry.name));
      setRowError(null);
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
      setFolderError(null);
    } catch (err) {
      setFolderError(wireError(err));
    }
    await load(dir);
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
                  <button type="button" class="link" onClick={() => setDir(target)}>
                    {label}
                  </button>
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
            onInput={(e) => setFolderName(e.currentTarget.value)}
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

      <UploadList t={t} lang={lang} items={uploads.items} onCancel={uploads.cancel} onClear={uploads.clearFinished} />

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
                onOpen={() => setDir(joinPath(dir, entry.name))}
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

interface EntryRowProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly dir: string;
  readonly entry: FileEntry;
  readonly error: WireError | null;
  readonly confirming: boolean;
  readonly keep: RefObject<HTMLButtonElement | null>;
  readonly onOpen: () => void;
  readonly onAsk: () => void;
  readonly onKeep: () => void;
  readonly onDelete: () => void;
}

/** One file or folder; while its deletion is being confirmed, the question takes a full row below it. */
function EntryRow({ t, lang, dir, entry, error, confirming, keep, onOpen, onAsk, onKeep, onDelete }: EntryRowProps) {
  return (
    <>
      <tr data-name={entry.name} class={entry.type}>
        <td class="name">
          {entry.type === 'dir' ? (
            <button type="button" class="link" onClick={onOpen} aria-label={t.open(entry.name)}>
              <FolderIcon />
              <span>{entry.name}</span>
            </button>
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

/** Folders first, then files, each by name. */
function sortEntries(list: FileEntry[]): FileEntry[] {
  return [...list].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
}

function wireError(err: unknown): WireError {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
}
