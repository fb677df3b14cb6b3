// The Uploads box: a progress bar per running file, the name-clash question, failures until dismissed.
import { useEffect, useRef } from 'preact/hooks';
import { errorText, formatSize, type Lang, type Texts } from './i18n.js';
import type { Answer, UploadItem } from './use-uploads.js';

/** Properties of {@link UploadList}. */
export interface UploadListProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly items: readonly UploadItem[];
  readonly onCancel: (id: number) => void;
  readonly onAnswer: (id: number, answer: Answer) => void;
  readonly onDismiss: (id: number) => void;
  /** The heading's id (unique on the page: the composer shows a list of its own). */
  readonly titleId?: string;
}

/** The uploads; nothing when there are none. */
export function UploadList({ t, lang, items, onCancel, onAnswer, onDismiss, titleId = 'uploads-title' }: UploadListProps) {
  // A question needs an answer: bring the keyboard to it, unless the user is busy elsewhere (typing
  // a message, say). Each question once, so answering one does not pull focus back to the next.
  const asked = useRef(new Set<number>());
  useEffect(() => {
    const next = items.find((u) => u.state === 'asking' && !asked.current.has(u.id));
    if (!next) return;
    asked.current.add(next.id);
    const active = document.activeElement;
    const typing = active instanceof HTMLTextAreaElement || (active instanceof HTMLInputElement && active.type !== 'file');
    if (!typing) document.querySelector<HTMLButtonElement>(`.upload[data-id="${next.id}"] .keep-both`)?.focus();
  }, [items]);
  const answer = (id: number, choice: Answer): void => {
    onAnswer(id, choice);
    // The question is gone with its buttons: focus goes back to where uploads start, not to the page's top.
    document.getElementById('upload-input')?.focus();
  };
  if (items.length === 0) return null;
  return (
    <section class="uploads" aria-labelledby={titleId}>
      <h3 id={titleId}>{t.uploads}</h3>
      <ul>
        {items.map((u) => (
          <li key={u.id} class={`upload ${u.state}`} data-path={u.path} data-id={u.id}>
            <span class="upload-name" title={u.path}>
              {u.name}
            </span>
            <UploadBody t={t} lang={lang} u={u} onCancel={onCancel} onAnswer={answer} onDismiss={onDismiss} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function UploadBody({ t, lang, u, onCancel, onAnswer, onDismiss }: { t: Texts; lang: Lang; u: UploadItem } & Omit<UploadListProps, 't' | 'lang' | 'items'>) {
  const total = Math.max(u.total, 1);
  const value = u.state === 'done' ? total : Math.min(u.sent, total);
  switch (u.state) {
    case 'asking':
      return (
        <div class="upload-ask" role="group" aria-label={t.exists(u.name)}>
          <span class="upload-status">{t.exists(u.name)}</span>
          <span class="choices">
            <button type="button" class="small" onClick={() => onAnswer(u.id, 'replace')}>
              {t.replace}
            </button>
            <button type="button" class="small keep-both" onClick={() => onAnswer(u.id, 'both')}>
              {t.keepBoth}
            </button>
            <button type="button" class="small" onClick={() => onAnswer(u.id, 'cancel')}>
              {t.cancel}
            </button>
          </span>
        </div>
      );
    case 'failed':
      // No progress bar: however many bytes went out, nothing was stored, and a full bar says otherwise.
      return (
        <>
          <span class="upload-status" role="alert">
            <span class="failed-tag">{t.uploadFailed}</span> <span class="error">{u.error ? errorText(lang, u.error) : ''}</span>
          </span>
          <button type="button" class="small" onClick={() => onDismiss(u.id)} aria-label={t.dismissLabel(u.name)}>
            {t.dismiss}
          </button>
        </>
      );
    case 'cancelled':
      return <span class="upload-status">{t.uploadCancelled}</span>;
    default:
      return (
        <>
          <progress max={total} value={value} aria-label={t.progressLabel(u.name)} />
          <span class="upload-status">
            {u.state === 'running' && `${Math.floor((value / total) * 100)}% · ${formatSize(u.sent)} / ${formatSize(u.total)}`}
            {u.state === 'done' && `${t.uploadDone} · ${formatSize(u.total)}`}
          </span>
          {u.state === 'running' && (
            <button type="button" class="small" onClick={() => onCancel(u.id)} aria-label={t.cancelLabel(u.name)}>
              {t.cancel}
            </button>
          )}
        </>
      );
  }
}
