// The library and data folders of `serve`: checked before anything is created, then created one level at a time.
import { constants } from 'node:fs';
import { access, chmod, mkdir, stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './config.js';
import { PRIVATE_DIR_MODE } from './private-mode.js';

/** A folder `serve` needs, with the flag that named it (for the one-line reason). */
export interface FolderSpec {
  readonly flag: string;
  readonly path: string;
  /** Created 0700 whatever the umask (SPEC 4: `--data`); an existing folder keeps the mode its owner gave it. */
  readonly private?: boolean;
}

/** A folder after {@link prepareFolders}: whether it was made now, and its permission bits. */
export interface PreparedFolder {
  readonly spec: FolderSpec;
  /** The absolute path. */
  readonly abs: string;
  readonly created: boolean;
  /** Permission bits (e.g. 0o700) as they are now. */
  readonly mode: number;
}

/**
 * Kernel pseudo-filesystems (Linux `statfs` magic numbers): nothing netroom writes belongs there, and
 * Node's recursive mkdir loops forever on /proc (mkdir answers ENOENT for a parent that exists).
 */
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
]);

/** What a check found: the absolute folder and the part of it still to create (outermost first). */
interface Checked {
  readonly spec: FolderSpec;
  readonly abs: string;
  readonly missing: readonly string[];
}

/**
 * Check every folder, then create the missing ones. Throws UsageError with one line (naming the flag)
 * when a folder is a file, lies under a file, on a kernel pseudo-filesystem, is not writable, or
 * cannot be created; nothing is created unless every folder passed its check.
 */
export async function prepareFolders(specs: readonly FolderSpec[]): Promise<PreparedFolder[]> {
  const checked: Checked[] = [];
  for (const spec of specs) checked.push(await checkFolder(spec));
  const prepared: PreparedFolder[] = [];
  for (const folder of checked) {
    await createMissing(folder);
    const created = folder.missing.length > 0;
    const mode = (await stat(folder.abs)).mode & 0o777;
    prepared.push({ spec: folder.spec, abs: folder.abs, created, mode });
  }
  return prepared;
}

/** Walk up to the nearest existing ancestor (at most one step per path component) and judge it. */
async function checkFolder(spec: FolderSpec): Promise<Checked> {
  const abs = resolve(spec.path);
  const missing: string[] = [];
  let existing = abs;
  for (;;) {
    const found = await statOrNull(existing, spec);
    if (found !== null) {
      if (!found.isDirectory()) {
        const what = existing === abs ? 'not a folder' : `${existing} is not a folder`;
        throw new UsageError(`${spec.flag} ${spec.path}: ${what}`);
      }
      break;
    }
    missing.unshift(existing);
    const up = dirname(existing);
    // The filesystem root always exists; reaching it without finding it means something odd: refuse.
    if (up === existing) throw new UsageError(`${spec.flag} ${spec.path}: no part of this path exists`);
    existing = up;
  }
  await refusePseudoFilesystem(existing, spec);
  try {
    // Write to add entries, search (X) to reach them: the library and the history need both.
    await access(existing, constants.W_OK | constants.X_OK);
  } catch {
    const what = existing === abs ? 'this folder is not writable' : `cannot create it: ${existing} is not writable`;
    throw new UsageError(`${spec.flag} ${spec.path}: ${what}`);
  }
  return { spec, abs, missing };
}

/** stat(), with "does not exist" (also: a component is a file) as null and other failures as a UsageError. */
async function statOrNull(path: string, spec: FolderSpec): Promise<import('node:fs').Stats | null> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new UsageError(`${spec.flag} ${spec.path}: ${describeError(code, err)} (${path})`);
  }
}

async function refusePseudoFilesystem(existing: string, spec: FolderSpec): Promise<void> {
  // The magic numbers are Linux's; elsewhere the same numbers mean nothing.
  if (process.platform !== 'linux') return;
  let type: number;
  try {
    type = (await statfs(existing)).type;
  } catch {
    return;
  }
  const name = PSEUDO_FILESYSTEMS.get(type);
  if (name !== undefined) {
    throw new UsageError(`${spec.flag} ${spec.path}: ${existing} is on the kernel's ${name} filesystem, not a place for files`);
  }
}

/** mkdir one component at a time: bounded by the path's length, and each failure gets its own reason. */
async function createMissing({ spec, abs, missing }: Checked): Promise<void> {
  for (const path of missing) {
    // Parents get the usual mode; a private folder itself is 0700 from the start (the umask can only
    // remove bits), then set exactly: a umask such as 0277 must not leave it unusable.
    const own = spec.private === true && path === abs;
    try {
      await mkdir(path, own ? PRIVATE_DIR_MODE : undefined);
      if (own) await chmod(path, PRIVATE_DIR_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another process (or the other flag naming the same folder) made it meanwhile: fine if a folder.
      if (code === 'EEXIST' && (await stat(path).catch(() => null))?.isDirectory() === true) continue;
      throw new UsageError(`${spec.flag} ${spec.path}: cannot create ${path}: ${describeError(code, err)}`);
    }
  }
}

function describeError(code: string | undefined, err: unknown): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only filesystem';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EEXIST':
      return 'something that is not a folder is in the way';
    case 'ENOENT':
      return 'the system refuses to create it there';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
