// Where the chat connects, and the tab's session (name + resume token) that lets a reload re-enter.

const SESSION_KEY = 'netroom.session';

/**
 * `ws` at the app's root (same origin, same sub-path; the document's base, not the page, which may
 * be a folder's address), on ws: or wss: as the page is http: or https:.
 */
export function wsUrl(): string {
  const url = new URL('ws', document.baseURI);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** The name and resume token this tab last entered with (sessionStorage: per tab, survives a reload). */
export function loadSession(): { name: string; resume: string } | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as { name?: unknown; resume?: unknown } | null;
    if (typeof parsed?.name === 'string' && typeof parsed.resume === 'string') return { name: parsed.name, resume: parsed.resume };
  } catch {
    // Unreadable or storage off: start at the name form.
  }
  return null;
}

/** Remember the name and token the server just gave (for a reload). */
export function saveSession(name: string, resume: string): void {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ name, resume }));
  } catch {
    // Storage off: a reload asks for the name again.
  }
}

/** Forget them: left, refused, or taken over by another tab. */
export function clearSession(): void {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Nothing stored.
  }
}
