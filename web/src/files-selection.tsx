// The selection's toolbar: how many are selected, Download (the file, or one zip), Delete (asked first), Move to… (a folder path), Clear.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fileUrl } from './api.js';
import { zipHref } from './files-api.js';
import type { Texts } from './i18n.js';

/** Properties of {@link SelectionBar}. */
export interface SelectionBarProps {
  readonly t: Texts;
  /** The selected entries' library paths, and whether the one selected is a file. */
  readonly paths: readonly string[];
  readonly singleFile: boolean;
  /** The folder shown: where Move to… starts. */
  readonly dir: string;
  readonly busy: boolean;
  readonly onDelete: () => void;
  readonly onMove: (target: string) => void;
  readonly onClear: () => void;
}

/** Shown while something is selected. */
export function SelectionBar({ t, paths, singleFile, dir, busy, onDelete, onMove, onClear }: SelectionBarProps) {
  const [asking, setAsking] = useState<'delete' | 'move' | null>(null);
  const [target, setTarget] = useState(dir);
  const keep = useRef<HTMLButtonElement>(null);
  const field = useRef<HTMLInputElement>(null);
  // The question takes the keyboard: its safe answer, or the folder field.
  useEffect(() => {
    if (asking === 'delete') keep.current?.focus();
    if (asking === 'move') field.current?.focus();
  }, [asking]);
  const one = paths[0] ?? '';
  const name = one.slice(one.lastIndexOf('/') + 1);
  return (
    <div class="selection-bar" role="region" aria-label={t.selected(paths.length)}>
      <span class="count" aria-live="polite">
        {t.selected(paths.length)}
      </span>
      {singleFile ? (
        <a class="button small" href={fileUrl(one)} download={name}>
          {t.downloadSelected}
        </a>
      ) : (
        <a class="button small" href={zipHref(paths)} download>
          {t.downloadSelected}
        </a>
      )}
      <button type="button" class="small" disabled={busy} onClick={() => setAsking('delete')}>
        {t.deleteSelected}
      </button>
      <button
        type="button"
        class="small"
        disabled={busy}
        onClick={() => {
          setTarget(dir);
          setAsking('move');
        }}
      >
        {t.moveSelected}
      </button>
      <button type="button" class="small" onClick={onClear}>
        {t.clearSelection}
      </button>
      {asking === 'delete' && (
        <span class="confirm">
          <span>{t.confirmDeleteMany(paths.length)}</span>
          <button
            type="button"
            class="danger small"
            onClick={() => {
              setAsking(null);
              onDelete();
            }}
          >
            {t.yes}
          </button>
          <button type="button" class="small" ref={keep} onClick={() => setAsking(null)}>
            {t.no}
          </button>
        </span>
      )}
      {asking === 'move' && (
        <form
          class="move-to"
          onSubmit={(e) => {
            e.preventDefault();
            setAsking(null);
            onMove(target.split('/').filter((p) => p !== '').join('/'));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setAsking(null);
          }}
        >
          <label for="move-target">{t.moveTarget}</label>
          <input id="move-target" ref={field} value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
          <button type="submit" class="small primary">
            {t.moveButton}
          </button>
          <button type="button" class="small" onClick={() => setAsking(null)}>
            {t.cancel}
          </button>
        </form>
      )}
    </div>
  );
}
