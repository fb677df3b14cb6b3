// A shared file's card in the chat log, by its kind: an image thumbnail, an audio or video player, the first lines of a text; clicking it opens the viewer.
import { useEffect, useState } from 'preact/hooks';
import { dirOf, fileUrl } from './api.js';
import type { Texts } from './i18n.js';
import { FileIcon } from './icons.js';
import { go } from './place.js';
import { hasThumbnail, ThumbImage } from './thumb-image.js';

/** What a card shows for a file, by its name's extension. */
export type CardKind = 'image' | 'audio' | 'video' | 'text' | 'other';

// Images are the names the server makes thumbnails of (thumb-image.ts): one list, the server's.
const KINDS: Record<Exclude<CardKind, 'other' | 'image'>, ReadonlySet<string>> = {
  audio: new Set(['mp3', 'ogg', 'oga', 'opus', 'wav', 'flac', 'm4a', 'aac']),
  video: new Set(['mp4', 'm4v', 'webm', 'ogv', 'mov']),
  text: new Set(
    'txt md markdown log csv tsv json yaml yml toml ini conf cfg xml html css scss js mjs cjs ts tsx jsx py rb go rs c h cc cpp hpp java kt swift sh bash zsh sql lua pl php r diff patch'.split(' '),
  ),
};

/** Text files larger than this show no snippet (only a name and a size). */
export const SNIPPET_MAX_FILE = 256 * 1024;
/** The bytes asked for: enough for the first lines. */
const SNIPPET_BYTES = 2048;
/** Lines a snippet shows. */
const SNIPPET_LINES = 8;

/** The card kind of a file (by extension; a text too large for a snippet is 'other'). */
export function cardKind(path: string, size: number): CardKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
  if (hasThumbnail(name)) return 'image';
  for (const kind of ['audio', 'video', 'text'] as const) {
    if (KINDS[kind].has(ext)) return kind === 'text' && size > SNIPPET_MAX_FILE ? 'other' : kind;
  }
  return 'other';
}

/** Open a library file in the viewer: its folder, and it. */
export function openInViewer(path: string): void {
  go({ dir: dirOf(path), view: path.slice(path.lastIndexOf('/') + 1) });
}

// Snippets already fetched (a windowed log mounts a card again when it scrolls back into view).
const snippets = new Map<string, string>();

/** The first lines of a text file, through a Range request (the server sends 206 or, if it ignores Range, the whole small file). */
async function fetchSnippet(path: string): Promise<string> {
  const res = await fetch(fileUrl(path), { headers: { Range: `bytes=0-${SNIPPET_BYTES - 1}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer()).subarray(0, SNIPPET_BYTES);
  let text = new TextDecoder('utf-8').decode(bytes);
  // Cut where the range cut: a character or line split at the last byte is left out.
  if (bytes.length >= SNIPPET_BYTES && text.includes('\n')) text = text.slice(0, text.lastIndexOf('\n'));
  return text.split('\n').slice(0, SNIPPET_LINES).join('\n');
}

/** Properties of {@link FileCard}. */
export interface FileCardProps {
  /** Where the file is now (it may have moved since it was shared). */
  readonly path: string;
  readonly size: number;
  readonly t: Texts;
}

/** The preview of a shared file; a click on it (not on a player's controls) opens the viewer. */
export function FileCard({ path, size, t }: FileCardProps) {
  const kind = cardKind(path, size);
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (kind === 'other') return null;
  const open = (): void => openInViewer(path);
  // Mouse users may click anywhere on the card; keyboard users have the button inside it.
  const onCardClick = (e: MouseEvent): void => {
    if ((e.target as Element | null)?.closest('audio, video, a, button') === null) open();
  };
  return (
    <div class={`file-card ${kind}`} data-kind={kind} onClick={onCardClick}>
      {kind === 'image' && (
        <button type="button" class="card-open" aria-label={t.logOpenFile(name)} title={t.logOpenFile(name)} onClick={open}>
          {/* Refused (not really an image) or gone: the file-type icon, never a broken image. */}
          <ThumbImage path={path} version={String(size)} alt={name} fallback={<FileIcon />} />
        </button>
      )}
      {kind === 'audio' && (
        <>
          <OpenButton name={name} t={t} onOpen={open} />
          <audio controls preload="none" src={fileUrl(path)} aria-label={name} />
        </>
      )}
      {kind === 'video' && (
        <>
          <OpenButton name={name} t={t} onOpen={open} />
          <video controls preload="none" src={fileUrl(path)} aria-label={name} />
        </>
      )}
      {kind === 'text' && <Snippet path={path} size={size} name={name} t={t} onOpen={open} />}
    </div>
  );
}

function OpenButton({ name, t, onOpen }: { name: string; t: Texts; onOpen: () => void }) {
  return (
    <button type="button" class="link card-name" title={t.logOpenFile(name)} aria-label={t.logOpenFile(name)} onClick={onOpen}>
      {name}
    </button>
  );
}

/** The first lines of a text file, fetched once per file version seen. */
function Snippet({ path, size, name, t, onOpen }: { path: string; size: number; name: string; t: Texts; onOpen: () => void }) {
  // A file replaced under the same name is another version: its own snippet.
  const version = `${path}\u0000${size}`;
  const [text, setText] = useState<string | null>(snippets.get(version) ?? null);
  useEffect(() => {
    if (snippets.has(version)) return undefined;
    let live = true;
    fetchSnippet(path).then(
      (got) => {
        snippets.set(version, got);
        if (live) setText(got);
      },
      () => {
        // No snippet (gone, not readable): the line above still has the name and the download link.
        if (live) setText('');
      },
    );
    return () => {
      live = false;
    };
  }, [version]);
  if (text === '') return null;
  // The name is the button (a name made of the snippet's lines would be read out whole); the
  // lines themselves open the viewer on a click, as the rest of the card does.
  return (
    <>
      <OpenButton name={name} t={t} onOpen={onOpen} />
      {/* Text only: whatever the file holds is shown as characters, never parsed. */}
      <pre class="snippet">{text ?? '…'}</pre>
    </>
  );
}
