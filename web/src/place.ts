// Where the page is, as one value kept in the address bar: the folder shown, the file open in the viewer, the room or conversation on screen, the phone's tab.
import { dirOfLocation, folderHref, PLACE_EVENT } from './route.js';

/**
 * What a link to the page names. The folder is the path (`files/DIR/`, as before); the rest are
 * query parameters, so one address holds both panes: `files/docs/?room=%23dev&view=a.png`.
 */
export interface Place {
  /** The library folder shown ('' for the root). */
  readonly dir: string;
  /** A file of `dir` open in the viewer (its name), or null. */
  readonly view: string | null;
  /** The room on screen (`#name`), or null. */
  readonly room: string | null;
  /** The member whose conversation is on screen, or null (a room, or nothing named). */
  readonly dm: string | null;
  /** Narrow screens show one pane at a time: 'files', or null for the chat (the default). */
  readonly pane: 'files' | null;
}

type Listener = (place: Place) => void;
const listeners = new Set<Listener>();

/** A parameter of the current address as text, or null when absent or empty. */
function param(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value === null || value === '' ? null : value;
}

/** The place the address bar names now. */
export function currentPlace(): Place {
  const params = new URLSearchParams(location.search);
  const room = param(params, 'room');
  return {
    dir: dirOfLocation(),
    view: param(params, 'view'),
    // `?room=dev` is accepted for `#dev`: a hand-typed link need not escape the `#`.
    room: room === null ? null : room.startsWith('#') ? room : `#${room}`,
    // A room wins over a conversation when a hand-made link names both (placeHref never writes both).
    dm: room === null ? param(params, 'dm') : null,
    pane: param(params, 'pane') === 'files' ? 'files' : null,
  };
}

/** The address of a place (absolute). */
export function placeHref(place: Place): string {
  const url = new URL(folderHref(place.dir));
  if (place.room !== null) url.searchParams.set('room', place.room);
  else if (place.dm !== null) url.searchParams.set('dm', place.dm);
  if (place.view !== null) url.searchParams.set('view', place.view);
  if (place.pane !== null) url.searchParams.set('pane', place.pane);
  return url.href;
}

/**
 * Move to a place: `change` over the current one. A folder change closes the viewer unless it
 * names a file too; a room clears the conversation and the other way round. A new history entry
 * (Back returns), or with `replace` the current one (a correction, not a step the user took).
 */
export function go(change: Partial<Place>, options: { replace?: boolean } = {}): void {
  const now = currentPlace();
  const dirChanged = change.dir !== undefined && change.dir !== now.dir;
  const next: Place = {
    dir: change.dir ?? now.dir,
    view: change.view !== undefined ? change.view : dirChanged ? null : now.view,
    room: change.room !== undefined ? change.room : change.dm !== undefined && change.dm !== null ? null : now.room,
    dm: change.dm !== undefined ? change.dm : change.room !== undefined && change.room !== null ? null : now.dm,
    pane: change.pane !== undefined ? change.pane : now.pane,
  };
  const href = placeHref(next);
  if (href === location.href) return;
  if (options.replace === true) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(PLACE_EVENT));
}

/** Be told of every move: go(), route.ts's folder moves and the browser's Back and Forward. Returns the unsubscribe. */
export function onPlace(listener: Listener): () => void {
  if (listeners.size === 0) {
    window.addEventListener('popstate', moved);
    window.addEventListener(PLACE_EVENT, moved);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('popstate', moved);
      window.removeEventListener(PLACE_EVENT, moved);
    }
  };
}

function moved(): void {
  const place = currentPlace();
  for (const listener of [...listeners]) listener(place);
}
