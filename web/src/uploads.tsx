// Uploads: one XMLHttpRequest PUT per file with its own progress bar, cancel button and outcome.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, joinPath, uploadFile, type UploadHandle } from './api.js';
import { errorText, formatSize, type Lang, type Texts } from './i18n.js';
import type { WireError } from './protocol.js';

/** One file being (or having been) uploaded. */
export interface UploadItem {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly sent: number;
  readonly total: number;
  readonly state: 'running' | 'done' | 'failed' | 'cancelled';
  readonly error?: WireError;
  readonly sha256?: string;
}

/** The upload queue of the files pane. `onDone` runs with the stored path after each success. */
export function useUploads(member: string | null, onDone: (path: string) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const handles = useRef(new Map<number, UploadHandle>());
  const nextId = useRef(0);
  // Read at upload time, so the callbacks below never need to be recreated.
  const latest = useRef({ member, onDone });
  latest.current = { member, onDone };

  const start = useCallback((dir: string, files: readonly File[]) => {
    const patch = (id: number, change: Partial<UploadItem>): void =>
      setItems((list) => list.map((u) => (u.id === id ? { ...u, ...change } : u)));
    for (const file of files) {
      const id = ++nextId.current;
      const path = joinPath(dir, file.name);
      setItems((list) => [...list, { id, name: file.name, path, sent: 0, total: file.size, state: 'running' }]);
      const handle = uploadFile(path, file, latest.current.member, (sent, total) => patch(id, { sent, total }));
      handles.current.set(id, handle);
      handle.done
        .then(
          (result) => {
            patch(id, { state: 'done', sent: result.size, total: result.size, sha256: result.sha256 });
            latest.current.onDone(typeof result.path === 'string' ? result.path : path);
          },
          (err: unknown) => {
            const error = err instanceof ApiError ? err : new ApiError('NETWORK', String(err));
            patch(id, error.code === 'CANCELLED' ? { state: 'cancelled' } : { state: 'failed', error: { code: error.code, message: error.message } });
          },
        )
        .finally(() => handles.current.delete(id));
    }
  }, []);

  const cancel = useCallback((id: number) => handles.current.get(id)?.abort(), []);
  const clearFinished = useCallback(() => setItems((list) => list.filter((u) => u.state === 'running')), []);
  // Leaving the page section stops what is still sending (the server keeps no partial file visible).
  useEffect(() => {
    const running = handles.current;
    return () => running.forEach((handle) => handle.abort());
  }, []);
  return { items, start, cancel, clearFinished };
}

/** Properties of {@link UploadList}. */
export interface UploadListProps {
  readonly t: Texts;
  readonly lang: Lang;
  readonly items: readonly UploadItem[];
  readonly onCancel: (id: number) => void;
  readonly onClear: () => void;
}

/** The uploads with a progress bar each; nothing when there are none. */
export function UploadList({ t, lang, items, onCancel, onClear }: UploadListProps) {
  if (items.length === 0) return null;
  return (
    <section class="uploads" aria-labelledby="uploads-title">
      <div class="uploads-head">
        <h3 id="uploads-title">{t.uploads}</h3>
        {items.some((u) => u.state !== 'running') && (
          <button type="button" class="link" onClick={onClear}>
            {t.dismiss}
          </button>
        )}
      </div>
      <ul>
        {items.map((u) => {
          const total = Math.max(u.total, 1);
          const value = u.state === 'done' ? total : Math.min(u.sent, total);
          return (
            <li key={u.id} class={`upload ${u.state}`} data-path={u.path}>
              <span class="upload-name" title={u.path}>
                {u.name}
              </span>
              <progress max={total} value={value} aria-label={t.progressLabel(u.name)} />
              <span class="upload-status">
                {u.state === 'running' && `${Math.floor((value / total) * 100)}% · ${formatSize(u.sent)} / ${formatSize(u.total)}`}
                {u.state === 'done' && `${t.uploadDone} · ${formatSize(u.total)}`}
                {u.state === 'cancelled' && t.uploadCancelled}
                {u.state === 'failed' && u.error && (
                  <span class="error" role="alert">
                    {errorText(lang, u.error)}
                  </span>
                )}
              </span>
              {u.state === 'running' && (
                <button type="button" class="small" onClick={() => onCancel(u.id)} aria-label={t.cancelLabel(u.name)}>
                  {t.cancel}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
