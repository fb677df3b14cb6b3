// The folder shown, kept current: its listing from the server, library changes from every door applied as they happen.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, listFolder } from './api.js';
import type { LibraryListener } from './chat.js';
import { applyChange, sortEntries } from './listing.js';
import type { FileEntry, LibraryChange, WireError } from './protocol.js';

/** A failure as the UI shows it. */
export function wireError(err: unknown): WireError {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
}

/**
 * The listing of `dir`: null while loading, the error when it could not be listed. `onMoved` is
 * told when the folder shown (or one above it) was renamed elsewhere: where it is now.
 */
export function useListing(dir: string, subscribe: (listener: LibraryListener) => () => void, onMoved: (dir: string) => void) {
  const [entries, setEntries] = useState<readonly FileEntry[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  // Answers to an older listing request (the user clicked on) must not overwrite a newer one.
  const request = useRef(0);
  // What the live changes apply to; changes arriving while a listing loads are kept and replayed
  // onto it (the listing may or may not include them: applying one twice changes nothing).
  const shown = useRef<{ dir: string; entries: readonly FileEntry[] | null; pending: LibraryChange[] | null }>({ dir, entries: null, pending: null });
  const moved = useRef(onMoved);
  moved.current = onMoved;

  const load = useCallback(async (path: string) => {
    const id = ++request.current;
    shown.current = { dir: path, entries: shown.current.dir === path ? shown.current.entries : null, pending: [] };
    try {
      let list: readonly FileEntry[] = sortEntries(await listFolder(path));
      if (id !== request.current) return;
      for (const change of shown.current.pending ?? []) {
        const applied = applyChange(path, list, change);
        if (applied.kind === 'entries') list = applied.entries;
      }
      shown.current = { dir: path, entries: list, pending: null };
      setEntries(list);
      setError(null);
    } catch (err) {
      if (id !== request.current) return;
      shown.current = { dir: path, entries: null, pending: null };
      setEntries([]);
      setError(wireError(err));
    }
  }, []);

  useEffect(() => {
    setEntries(null);
    void load(dir);
  }, [dir, load]);

  /** Apply one change to the folder shown (a live one, or our own upload's answer). */
  const apply = useCallback(
    (change: LibraryChange) => {
      const now = shown.current;
      if (now.pending !== null) {
        now.pending.push(change);
        return;
      }
      if (now.entries === null) {
        // The folder could not be listed (gone, say): only its coming back is news.
        if (change.kind === 'mkdir' && change.path === now.dir) void load(now.dir);
        return;
      }
      const applied = applyChange(now.dir, now.entries, change);
      if (applied.kind === 'moved') moved.current(applied.dir);
      else if (applied.kind === 'gone') void load(now.dir); // says NOT_FOUND, with the way back up
      else if (applied.entries !== now.entries) {
        shown.current = { ...now, entries: applied.entries };
        setEntries(applied.entries);
      }
    },
    [load],
  );

  // Every change to the library, from any door, applied to the folder shown as it happens.
  useEffect(
    () =>
      subscribe((change) => {
        if (change === null) void load(shown.current.dir); // a new connection: what happened meanwhile was not sent to us
        else apply(change);
      }),
    [subscribe, load, apply],
  );

  /** Whether the folder shown has `name` (asked before an upload replaces it). */
  const has = useCallback((where: string, name: string) => shown.current.dir === where && (shown.current.entries ?? []).some((e) => e.name === name), []);

  return { entries, error, load, apply, has };
}
