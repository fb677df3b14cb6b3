// The file viewer: a modal dialog over the page for the file the address names (`?view=NAME`), with next/previous through the folder's images.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, dirOf, joinPath, listFolder } from './api.js';
import type { LibraryListener } from './chat.js';
import { errorText, formatSize, type Lang, type Texts } from './i18n.js';
import { go } from './place.js';
import type { FileEntry } from './protocol.js';
import { usePlace } from './use-place.js';
import { DownloadLink, ViewerBody } from './viewer-body.js';
import { imagesOf, stepImage, viewKind } from './viewer-kinds.js';

/** Properties of {@link Viewer}. */
export interface ViewerProps {
  readonly t: Texts;
  readonly lang: Lang;
  /** Library changes from every door: the folder is listed again, a file moved away is followed. */
  readonly subscribe?: (listener: LibraryListener) => () => void;
}

/** The viewer, shown while the address names a file (`place.view`); nothing otherwise. */
export function Viewer({ t, lang, subscribe }: ViewerProps) {
  const place = usePlace();
  if (place.view === null) return null;
  // Keyed by folder, not by file: stepping through images keeps the one dialog (and the focus in it).
  return <ViewerDialog key={place.dir} t={t} lang={lang} subscribe={subscribe} dir={place.dir} name={place.view} />;
}

const FOCUSABLE = 'a[href], button:not([disabled]), iframe, audio[controls], video[controls], [tabindex]:not([tabindex="-1"])';

/**
 * Keep Tab inside the dialog. showModal() makes the page behind inert, but Tab from the last
 * control still leaves for the browser's own UI; here it goes round to the first (and back).
 */
function trapTab(event: KeyboardEvent, root: HTMLElement | null): void {
  if (root === null) return;
  const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  const first = items[0];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined) return;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !root.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !root.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

type Listing = { state: 'loading' } | { state: 'done'; entries: FileEntry[] } | { state: 'failed'; message: string };

/** Close the viewer: a step of its own in the history, so Back opens the file again. */
const close = (): void => go({ view: null });

/** Whether a library change touches what folder `dir` holds (or the folder itself, or one above it). */
function touches(paths: readonly string[], dir: string): boolean {
  return paths.some((p) => dirOf(p) === dir || p === dir || dir.startsWith(`${p}/`));
}

function ViewerDialog({ t, lang, subscribe, dir, name }: ViewerProps & { dir: string; name: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  // Bumped by library changes in this folder: the listing (sizes, images, the file itself) is read again.
  const [version, setVersion] = useState(0);
  const shown = useRef(name);
  shown.current = name;

  useEffect(() => {
    if (subscribe === undefined) return undefined;
    return subscribe((change) => {
      // null: the connection came back; what happened meanwhile is unknown.
      if (change === null) {
        setVersion((v) => v + 1);
        return;
      }
      const here = joinPath(dir, shown.current);
      // The file on screen was renamed or moved: follow it (a correction of the address, not a step).
      if (change.kind === 'rename' && change.from === here) {
        go({ dir: dirOf(change.to), view: change.to.slice(change.to.lastIndexOf('/') + 1) }, { replace: true });
      }
      const paths = change.kind === 'rename' ? [change.from, change.to] : [change.path];
      if (touches(paths, dir)) setVersion((v) => v + 1);
    });
  }, [subscribe, dir]);

  useEffect(() => {
    const stop = new AbortController();
    listFolder(dir)
      .then((entries) => !stop.signal.aborted && setListing({ state: 'done', entries }))
      .catch((err: unknown) => {
        if (stop.signal.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError('NETWORK', String(err));
        setListing({ state: 'failed', message: errorText(lang, error) });
      });
    return () => stop.abort();
  }, [dir, lang, version]);

  // showModal(): the page behind is inert (focus stays in the dialog) and the dialog is in the top
  // layer. Closing gives the focus back to what had it (the link or row that opened the file).
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    let leaving = false;
    // Escape (the browser's close request) closes the dialog itself; the address follows.
    const closed = (): void => {
      if (!leaving) close();
    };
    element.addEventListener('close', closed);
    if (!element.open) element.showModal();
    return () => {
      leaving = true;
      element.removeEventListener('close', closed);
      if (element.open) element.close();
      if (opener?.isConnected === true) opener.focus();
    };
  }, []);

  const entries = listing.state === 'done' ? listing.entries : [];
  const entry = entries.find((e) => e.name === name && e.type === 'file');
  const kind = viewKind(name);
  const images = kind === 'image' ? imagesOf(entries) : [];
  const position = images.indexOf(name);
  const step = (by: 1 | -1): void => {
    const next = stepImage(images, name, by);
    if (next !== null) go({ view: next });
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Tab') {
      trapTab(event, dialog.current);
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || images.length < 2) return;
    // Arrows belong to whatever has them (a player's seek bar, a scrolled text) except on plain elements.
    const target = event.target as HTMLElement | null;
    if (target !== null && target.closest('input, textarea, select, audio, video, iframe, pre, article') !== null) return;
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      step(event.key === 'ArrowRight' ? 1 : -1);
    }
  };

  const path = joinPath(dir, name);
  return (
    <dialog
      ref={dialog}
      id="viewer"
      class="viewer"
      aria-labelledby="viewer-title"
      data-kind={kind}
      onKeyDown={onKeyDown}
      // A click on the backdrop (the dialog itself, around its box) closes it.
      onClick={(event) => event.target === dialog.current && close()}
    >
      <div class="viewer-box">
        <header class="viewer-head">
          <h2 id="viewer-title" class="viewer-title">
            {name}
          </h2>
          {entry !== undefined && <span class="viewer-size">{formatSize(entry.size)}</span>}
          {images.length > 1 && position >= 0 && (
            <span class="viewer-position" aria-live="polite">
              {t.viewerPosition(position + 1, images.length)}
            </span>
          )}
          <div class="viewer-actions">
            {entry !== undefined && kind !== 'other' && <DownloadLink t={t} path={path} name={name} />}
            <button type="button" class="viewer-close" autoFocus aria-label={t.viewerClose} title={t.viewerClose} onClick={close}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
        </header>
        <div class="viewer-main">
          {images.length > 1 && (
            <button type="button" class="viewer-step viewer-prev" aria-label={t.viewerPrevious} title={t.viewerPrevious} onClick={() => step(-1)}>
              <span aria-hidden="true">‹</span>
            </button>
          )}
          <div class="viewer-content">
            {listing.state === 'loading' ? (
              <p class="viewer-loading" role="status">
                {t.viewerLoading}
              </p>
            ) : listing.state === 'failed' ? (
              <p class="viewer-error" role="alert">
                {listing.message}
              </p>
            ) : entry === undefined ? (
              <p class="viewer-error" role="alert">
                {t.viewerGone}
              </p>
            ) : (
              <ViewerBody key={path} t={t} lang={lang} path={path} entry={entry} kind={kind} />
            )}
          </div>
          {images.length > 1 && (
            <button type="button" class="viewer-step viewer-next" aria-label={t.viewerNext} title={t.viewerNext} onClick={() => step(1)}>
              <span aria-hidden="true">›</span>
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
