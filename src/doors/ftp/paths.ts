// FTP paths: the client sees the library as a tree rooted at "/", with a working folder; the Library checks the rest.

/**
 * Resolve a client path against the working folder into an absolute virtual path (`/`, `/a/b`).
 * The one rule for every command: the library is the client's whole file system, as in a chrooted
 * server, so `.` and `..` fold as POSIX paths do and the parent of `/` is `/` itself. `CWD ..`,
 * `CDUP` and `CWD ../..` at the root all stay there, and `RETR ../x` at the root is `RETR /x`.
 * Nothing can climb out: the result is built from names only, never from `..`. Everything else
 * (hidden names, NUL, backslashes, symlinks leading out) is left to Library.resolve, which sees
 * the result of toLibrary() and still refuses a `..` of its own.
 */
export function resolveVirtual(cwd: string, arg: string): string {
  const input = arg === '' ? cwd : arg;
  const parts = input.startsWith('/') ? [] : cwd.split('/').filter((p) => p !== '');
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop(); // at the root there is nothing to pop: `/..` is `/`
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The Library's relative path ('' for the root) of an absolute virtual path. */
export function toLibrary(virtual: string): string {
  return virtual.replace(/^\/+/u, '');
}

/** The last name of a virtual path ('' for `/`). */
export function baseName(virtual: string): string {
  return virtual.slice(virtual.lastIndexOf('/') + 1);
}

/** Join a folder's virtual path and a name. */
export function joinVirtual(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}
