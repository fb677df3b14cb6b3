// FTP paths: the client sees the library as a tree rooted at "/", with a working folder; the Library checks the rest.
import { NetroomError } from '../../core/errors.js';

/**
 * Resolve a client path against the working folder into an absolute virtual path (`/`, `/a/b`).
 * `.` and `..` are folded here so `CWD ..` and `/a/../b` work as in any FTP server, but a `..` that
 * would climb above `/` is refused (OUTSIDE_ROOT), never clamped: `RETR ../../etc/passwd` is an
 * attempt to leave, and the client is told so. Everything else (hidden names, NUL, backslashes,
 * symlinks leading out) is left to Library.resolve, which sees the result of toLibrary().
 */
export function resolveVirtual(cwd: string, arg: string): string {
  const input = arg === '' ? cwd : arg;
  const start = input.startsWith('/') ? [] : cwd.split('/').filter((p) => p !== '');
  const parts = [...start];
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new NetroomError('OUTSIDE_ROOT', `the path leads outside the library: ${arg}`, { path: arg });
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The Library's relative path ('' for the root) of an absolute virtual path. */
export function toLibrary(virtual: string): string {
  return virtual.replace(/^\/+/u, '');
}

/** The parent of a virtual path (`/` stays `/`). */
export function parentOf(virtual: string): string {
  const at = virtual.lastIndexOf('/');
  return at <= 0 ? '/' : virtual.slice(0, at);
}

/** The last name of a virtual path ('' for `/`). */
export function baseName(virtual: string): string {
  return virtual.slice(virtual.lastIndexOf('/') + 1);
}

/** Join a folder's virtual path and a name. */
export function joinVirtual(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}
