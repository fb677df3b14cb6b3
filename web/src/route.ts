// The folder in the address bar: `files/DIR/` below the app's root, so folders have links and Back works (place.ts adds the rest of the place).
import { encodePath } from './api.js';

/**
 * The app's root URL. A page served at a folder's address comes with a `<base>` pointing back to
 * the root (the server adds it); at the root itself the page's own folder is the root.
 */
function appRoot(): URL {
  return new URL('.', document.baseURI);
}

let root: URL | null = null;

/**
 * Pin the document's base to the app's root before anything renders: every URL the UI uses
 * (api/, files/, ws) is relative, and must keep resolving there after the address bar moves to
 * `files/DIR/`.
 */
export function installBase(): void {
  root = appRoot();
  if (document.querySelector('base') === null) {
    const base = document.createElement('base');
    base.href = root.href;
    document.head.prepend(base);
  }
}

/** The library folder the address names ('' for the root, or anything that is not `files/...`). */
export function dirOfLocation(): string {
  const at = root ?? appRoot();
  if (!location.pathname.startsWith(at.pathname)) return '';
  const rest = location.pathname.slice(at.pathname.length);
  if (!rest.startsWith('files/')) return '';
  try {
    return rest
      .slice('files/'.length)
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent)
      .join('/');
  } catch {
    return ''; // a malformed escape: show the root rather than fail
  }
}

/** The address of a folder: the root itself, or `files/DIR/`. */
export function folderHref(dir: string): string {
  const at = root ?? appRoot();
  return dir === '' ? at.href : new URL(`files/${encodePath(dir)}/`, at).href;
}

/** The window event place.ts listens to for moves made without popstate (go(), showFolderInAddress). */
export const PLACE_EVENT = 'netroom:place';

/**
 * Put a folder in the address bar: a new history entry, or (`replace`) the current one. The rest
 * of the place (room, conversation, phone tab) stays; a file open in the viewer closes when the
 * folder changes.
 */
export function showFolderInAddress(dir: string, replace = false): void {
  const url = new URL(folderHref(dir));
  const params = new URLSearchParams(location.search);
  if (dir !== dirOfLocation()) params.delete('view');
  url.search = params.toString();
  const href = url.href;
  if (href === location.href) return;
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(PLACE_EVENT));
}
