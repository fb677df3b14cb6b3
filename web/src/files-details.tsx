// The details of one entry: type, size, modified, the folder it is in, and who made it and when (from the server's owner book).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ownersIn, type EntryOwner } from './files-api.js';
import { extensionOf } from './files-sort.js';
import { formatSize, formatTime, type Lang, type Texts } from './i18n.js';
import type { FileEntry } from './protocol.js';

/** Properties of {@link FileDetails}. */
export interface FileDetailsProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly dir: string;
  readonly entry: FileEntry;
  readonly onClose: () => void;
}

/** A panel beside the listing; Escape or Close closes it. */
export function FileDetails({ t, lang, dir, entry, onClose }: FileDetailsProps) {
  // undefined: still asking the server; null: nobody recorded.
  const [owner, setOwner] = useState<EntryOwner | null | undefined>(undefined);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let live = true;
    setOwner(undefined);
    ownersIn(dir)
      .then((found) => live && setOwner(found.get(entry.name) ?? null))
      .catch(() => live && setOwner(null));
    return () => {
      live = false;
    };
  }, [dir, entry.name, entry.mtime]);
  useEffect(() => close.current?.focus(), [entry.name]);
  const who = owner === undefined ? '…' : owner === null ? t.unknownOwner : owner.role === 'guest' ? t.guestNamed(owner.name) : owner.name;
  return (
    <aside
      class="file-details"
      aria-labelledby="details-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div class="details-head">
        <h3 id="details-title">{entry.name}</h3>
        <button type="button" class="small" ref={close} onClick={onClose} aria-label={t.closeDetails}>
          ×
        </button>
      </div>
      <dl>
        <dt>{t.kind}</dt>
        <dd>{entry.type === 'dir' ? t.kindFolder : t.kindFile(extensionOf(entry.name))}</dd>
        {entry.type === 'file' && (
          <>
            <dt>{t.size}</dt>
            <dd>{formatSize(entry.size)}</dd>
          </>
        )}
        <dt>{t.modified}</dt>
        <dd>{formatTime(lang, entry.mtime, 'full')}</dd>
        <dt>{t.location}</dt>
        <dd>{dir === '' ? t.root : dir}</dd>
        <dt>{t.madeBy}</dt>
        <dd class="made-by">{who}</dd>
        {owner && owner.at > 0 && (
          <>
            <dt>{t.madeAt}</dt>
            <dd class="made-at">{formatTime(lang, owner.at, 'full')}</dd>
          </>
        )}
      </dl>
    </aside>
  );
}
