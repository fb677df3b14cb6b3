// The upload queue: one PUT per file, asking before replacing a name that exists, finished rows clearing themselves.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, dirOf, joinPath, listFolder, uploadFile, type UploadHandle } from './api.js';
import type { UploadResult, WireError } from './protocol.js';
import { freeName } from './upload-names.js';

/** One file being (or having been) uploaded. */
export interface UploadItem {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly sent: number;
  readonly total: number;
  /** asking: the name exists, waiting for replace / keep both / cancel. */
  readonly state: 'asking' | 'running' | 'done' | 'failed' | 'cancelled';
  readonly error?: WireError;
  readonly sha256?: string;
}

/** How a name clash is settled. */
export type Answer = 'replace' | 'both' | 'cancel';

/** How long a finished (or cancelled) row stays to be seen before it clears itself; failures stay. */
export const FINISHED_ROW_MS = 4000;

/**
 * The upload queue of the files pane; uploads are named as `member` and shared into `room` (as they
 * are when each one starts). `exists(dir, name)` says whether the folder shown has that
 * name (asked before sending anything); `onDone` runs with the server's answer after each success.
 */
export function useUploads(member: string | null, room: string | null, exists: (dir: string, name: string) => boolean, onDone: (result: UploadResult) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const handles = useRef(new Map<number, UploadHandle>());
  const files = useRef(new Map<number, File>());
  const timers = useRef(new Set<number>());
  const nextId = useRef(0);
  // Read at upload time, so the callbacks below never need to be recreated.
  const latest = useRef({ member, room, exists, onDone });
  latest.current = { member, room, exists, onDone };

  const patch = useCallback((id: number, change: Partial<UploadItem>): void => {
    setItems((list) => list.map((u) => (u.id === id ? { ...u, ...change } : u)));
  }, []);
  const remove = useCallback((id: number): void => {
    files.current.delete(id);
    setItems((list) => list.filter((u) => u.id !== id));
  }, []);
  const clearLater = useCallback(
    (id: number): void => {
      const timer = window.setTimeout(() => {
        timers.current.delete(timer);
        remove(id);
      }, FINISHED_ROW_MS);
      timers.current.add(timer);
    },
    [remove],
  );

  /** PUT the file of row `id` to `path`; `mode` says what a name that exists by then means. */
  function send(id: number, path: string, mode: 'ask' | 'replace' | 'both', attempt = 0): void {
    const file = files.current.get(id);
    if (!file) return;
    patch(id, { state: 'running', path, name: path.slice(path.lastIndexOf('/') + 1), sent: 0, total: file.size, error: undefined });
    const { member: who, room: where } = latest.current;
    const handle = uploadFile(path, file, { member: who, room: where }, (sent, total) => patch(id, { sent, total }), mode !== 'replace');
    handles.current.set(id, handle);
    handle.done
      .then(
        (result) => {
          files.current.delete(id);
          patch(id, { state: 'done', sent: result.size, total: result.size, sha256: result.sha256 });
          clearLater(id);
          latest.current.onDone(result);
        },
        (err: unknown) => {
          const error = err instanceof ApiError ? err : new ApiError('NETWORK', String(err));
          if (error.code === 'CANCELLED') {
            patch(id, { state: 'cancelled' });
            clearLater(id);
          } else if (error.code === 'ALREADY_EXISTS' && error.status === 412 && mode === 'ask') {
            // Someone stored that name after our listing said it was free: ask, as for a name we knew.
            patch(id, { state: 'asking' });
          } else if (error.code === 'ALREADY_EXISTS' && error.status === 412 && mode === 'both' && attempt < 5) {
            void keepBoth(id, path, attempt + 1);
          } else {
            patch(id, { state: 'failed', error: { code: error.code, message: error.message } });
          }
        },
      )
      .finally(() => handles.current.delete(id));
  }

  /** "Keep both": upload under the first free `name (n).ext` of the folder as it is now. */
  async function keepBoth(id: number, path: string, attempt: number): Promise<void> {
    const dir = dirOf(path);
    const original = files.current.get(id)?.name ?? path.slice(path.lastIndexOf('/') + 1);
    try {
      const taken = new Set((await listFolder(dir)).map((e) => e.name));
      send(id, joinPath(dir, freeName(original, taken)), 'both', attempt);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('NETWORK', String(err));
      patch(id, { state: 'failed', error: { code: error.code, message: error.message } });
    }
  }

  const start = (dir: string, chosen: readonly File[]): void => {
    for (const file of chosen) {
      const id = ++nextId.current;
      const path = joinPath(dir, file.name);
      files.current.set(id, file);
      const clash = latest.current.exists(dir, file.name);
      setItems((list) => [...list, { id, name: file.name, path, sent: 0, total: file.size, state: clash ? 'asking' : 'running' }]);
      if (!clash) send(id, path, 'ask');
    }
  };

  const answer = (id: number, choice: Answer): void => {
    const item = items.find((u) => u.id === id);
    if (item?.state !== 'asking') return;
    if (choice === 'cancel') remove(id);
    else if (choice === 'replace') send(id, item.path, 'replace');
    else void keepBoth(id, item.path, 0);
  };

  const cancel = useCallback((id: number) => handles.current.get(id)?.abort(), []);
  // Leaving the page section stops what is still sending (the server keeps no partial file visible).
  useEffect(() => {
    const running = handles.current;
    const pending = timers.current;
    return () => {
      running.forEach((handle) => handle.abort());
      pending.forEach((timer) => window.clearTimeout(timer));
    };
  }, []);
  return { items, start, cancel, answer, dismiss: remove };
}
