// The files pane's tools: upload files or a whole folder, make a folder, filter by name, list or grid, and (administrators) the storage figures.
import { useEffect, useState } from 'preact/hooks';
import { storageFigures, type StorageFigures } from './files-api.js';
import { GridIcon, ListIcon } from './files-icons.js';
import type { FilesView } from './files-sort.js';
import { errorText, formatSize, type Lang, type Texts } from './i18n.js';
import type { WireError } from './protocol.js';

/** Properties of {@link FilesTools}. */
export interface FilesToolsProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly onFiles: (files: File[]) => void;
  readonly onFolder: (files: File[]) => void;
  readonly onMakeFolder: (name: string) => Promise<boolean>;
  readonly folderError: WireError | null;
  readonly clearFolderError: () => void;
  readonly filter: string;
  readonly onFilter: (text: string) => void;
  readonly view: FilesView;
  readonly onView: (view: FilesView) => void;
}

/** The toolbar above the listing. */
export function FilesTools({ t, lang, onFiles, onFolder, onMakeFolder, folderError, clearFolderError, filter, onFilter, view, onView }: FilesToolsProps) {
  const [folderName, setFolderName] = useState('');
  /** The chosen files, the input emptied so choosing the same ones again fires `change` again. */
  const chosen = (input: HTMLInputElement): File[] => {
    const files = [...(input.files ?? [])];
    input.value = '';
    return files;
  };
  return (
    <>
      <div class="toolbar">
        <input
          id="upload-input"
          type="file"
          multiple
          class="sr-only"
          onChange={(e) => {
            const files = chosen(e.currentTarget);
            if (files.length > 0) onFiles(files);
          }}
        />
        <label for="upload-input" class="button primary">
          {t.upload}
        </label>
        <input
          id="upload-folder-input"
          type="file"
          class="sr-only"
          {...{ webkitdirectory: true }}
          onChange={(e) => {
            const files = chosen(e.currentTarget);
            if (files.length > 0) onFolder(files);
          }}
        />
        <label for="upload-folder-input" class="button">
          {t.uploadFolder}
        </label>
        <form
          class="new-folder"
          onSubmit={(e) => {
            e.preventDefault();
            const name = folderName.trim();
            if (name !== '') void onMakeFolder(name).then((made) => made && setFolderName(''));
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
              clearFolderError(); // being corrected: the old complaint is about another name
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
      <div class="toolbar view-tools">
        <input
          type="search"
          class="filter"
          value={filter}
          placeholder={t.filterPlaceholder}
          aria-label={t.filterLabel}
          onInput={(e) => onFilter(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onFilter('');
          }}
        />
        <div class="view-switch" role="group" aria-label={t.viewAs}>
          <button type="button" class="small" aria-pressed={view === 'list'} onClick={() => onView('list')} title={t.viewList}>
            <ListIcon />
            <span>{t.viewList}</span>
          </button>
          <button type="button" class="small" aria-pressed={view === 'grid'} onClick={() => onView('grid')} title={t.viewGrid}>
            <GridIcon />
            <span>{t.viewGrid}</span>
          </button>
        </div>
      </div>
    </>
  );
}

/** Used and free bytes of the library, for administrators; read again whenever `version` changes (after an upload or delete). */
export function StorageLine({ t, version }: { readonly t: Texts; readonly version: number }) {
  const [figures, setFigures] = useState<StorageFigures | null>(null);
  useEffect(() => {
    let live = true;
    storageFigures()
      .then((found) => live && setFigures(found))
      .catch(() => live && setFigures(null));
    return () => {
      live = false;
    };
  }, [version]);
  if (figures === null) return null;
  return (
    <p class="storage muted" id="storage">
      <meter min={0} max={figures.total} value={figures.total - figures.free} aria-hidden="true" />
      <span>{t.storage(formatSize(figures.used), formatSize(figures.free), formatSize(figures.total))}</span>
    </p>
  );
}
