// What the viewer shows of one file: the image, the PDF, the player, the text or rendered Markdown, or a download.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, fileUrl, request } from './api.js';
import { errorText, formatSize, type Lang, type Texts } from './i18n.js';
import { renderMarkdown } from './markdown.js';
import type { FileEntry } from './protocol.js';
import { TEXT_LIMIT, type ViewKind } from './viewer-kinds.js';

/** Properties of {@link ViewerBody}. */
export interface ViewerBodyProps {
  readonly t: Texts;
  readonly lang: Lang;
  /** The file's library path. */
  readonly path: string;
  readonly entry: FileEntry;
  readonly kind: ViewKind;
}

/** A link that downloads the file (the server sends it as an attachment). */
export function DownloadLink({ t, path, name }: { t: Texts; path: string; name: string }) {
  return (
    <a class="button viewer-download" href={fileUrl(path)} download={name} aria-label={t.viewerDownloadName(name)}>
      {t.viewerDownload}
    </a>
  );
}

/**
 * The file's content. Nothing here runs what the file holds: images (SVG included) go through
 * <img>, a PDF through an <iframe> of `files/PATH`, which the server sends with
 * `Content-Security-Policy: sandbox` (an opaque origin, no scripts), and web pages are text.
 */
export function ViewerBody({ t, lang, path, entry, kind }: ViewerBodyProps) {
  const src = fileUrl(path);
  switch (kind) {
    case 'image':
      return <img class="viewer-image" src={src} alt={entry.name} />;
    case 'pdf':
      return <iframe class="viewer-pdf" src={`${src}?inline=1`} title={t.viewerPdf(entry.name)} />;
    case 'audio':
      return (
        <audio class="viewer-audio" controls preload="metadata" src={src}>
          {t.viewerNoAudio}
        </audio>
      );
    case 'video':
      return (
        <video class="viewer-video" controls preload="metadata" src={src}>
          {t.viewerNoVideo}
        </video>
      );
    case 'markdown':
    case 'text':
      return <TextBody t={t} lang={lang} path={path} entry={entry} kind={kind} />;
    case 'other':
      return <Other t={t} path={path} entry={entry} message={t.viewerCannotShow} />;
  }
}

function Other({ t, path, entry, message }: { t: Texts; path: string; entry: FileEntry; message: string }) {
  return (
    <div class="viewer-other">
      <p>{message}</p>
      <p class="viewer-facts">
        <span class="viewer-name">{entry.name}</span> · <span>{formatSize(entry.size)}</span>
      </p>
      <DownloadLink t={t} path={path} name={entry.name} />
    </div>
  );
}

type Loaded = { state: 'loading' } | { state: 'done'; text: string } | { state: 'failed'; message: string };

/** A text, code or Markdown file, read whole when it is under TEXT_LIMIT. */
function TextBody({ t, lang, path, entry, kind }: ViewerBodyProps) {
  const tooLarge = entry.size > TEXT_LIMIT;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    if (tooLarge) return undefined;
    const stop = new AbortController();
    setLoaded({ state: 'loading' });
    // Read whole, never from the browser's cache: a Range request answered partly from a cached
    // older version came back cut to the old length in Chromium. The listing said it is small.
    request(fileUrl(path), { cache: 'no-store', signal: stop.signal })
      .then((res) => res.text())
      .then((text) => setLoaded({ state: 'done', text: text.length > TEXT_LIMIT ? text.slice(0, TEXT_LIMIT) : text }))
      .catch((err: unknown) => {
        if (stop.signal.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError('NETWORK', String(err));
        setLoaded({ state: 'failed', message: errorText(lang, error) });
      });
    return () => stop.abort();
  }, [path, entry.size, entry.mtime, tooLarge, lang]);

  if (tooLarge) return <Other t={t} path={path} entry={entry} message={t.viewerTooLarge(formatSize(entry.size), formatSize(TEXT_LIMIT))} />;
  if (loaded.state === 'loading') return <p class="viewer-loading" role="status">{t.viewerLoading}</p>;
  if (loaded.state === 'failed') return <p class="viewer-error" role="alert">{loaded.message}</p>;
  if (kind === 'markdown') {
    return (
      <article class="viewer-markdown markdown" tabIndex={0} aria-label={t.viewerText(entry.name)}>
        {renderMarkdown(loaded.text, 'document')}
      </article>
    );
  }
  // Focusable so the keyboard can scroll it; a text child, so markup in the file is only text.
  return (
    <pre class="viewer-text" tabIndex={0} aria-label={t.viewerText(entry.name)}>
      <code>{loaded.text}</code>
    </pre>
  );
}
