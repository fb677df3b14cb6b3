// Library changes between nodes sharing one library folder: each node's changes go out on the bus and reach the others' subscribers.
import { checkPath } from '../../core/library-paths.js';
import type { ChangeSource, Library, LibraryChange } from '../../core/library.js';
import type { Logger } from '../../log.js';
import type { Bus } from '../bus/bus.js';

/** Version of the body on the `library` channel; a node ignores (and logs) bodies of another version. */
const WIRE_VERSION = 1;

/** What goes on the bus: the change, and who made it through which door (for the other nodes' logs). */
interface LibraryWire {
  readonly v: number;
  readonly change: LibraryChange;
}

/**
 * Link `library` to the other nodes over `bus` (SPEC section 7). Every node's `--dir` is the same
 * shared folder, so a change made here is already on disk everywhere: the other nodes only have to
 * tell their subscribers (the web UI's live file list, the log), which they do as if it happened
 * there, marked `remote` so that nobody sends it on again (no echo) and nothing touches the disk.
 * The chat's "file shared" notices travel as chat events (cluster.ts), not here.
 * Returns the function that undoes the link.
 */
export function linkLibrary(library: Library, bus: Bus, log: Logger): () => void {
  let failing = false;
  const stopLocal = library.subscribe((change) => {
    if (change.remote !== undefined) return; // heard from another node: it has told everyone already
    const body: LibraryWire = { v: WIRE_VERSION, change: forWire(change) };
    if (bus.publish('library', body)) {
      failing = false;
    } else if (!failing) {
      // Once per outage: the change is on the shared disk, only the other nodes' live lists miss it.
      failing = true;
      log.warn({ change: describe(change) }, 'library change not sent to the other nodes: the bus is down (their file lists catch up on reload)');
    }
  });
  const stopRemote = bus.subscribe('library', (body, from) => {
    const change = changeOf(body);
    if (change === null) {
      log.warn({ node: from }, 'ignored a malformed library change from another node');
      return;
    }
    library.changed({ ...change, remote: { node: from } });
  });
  return () => {
    stopLocal();
    stopRemote();
  };
}

/** The change as it travels: the source without its actor (roles are this node's business), never a `remote`. */
function forWire(change: LibraryChange): LibraryChange {
  const { by } = change;
  const copy: { by?: ChangeSource; remote?: { node: string } } & LibraryChange = { ...change };
  delete copy.remote;
  delete copy.by;
  if (by === undefined) return copy;
  return {
    ...copy,
    by: { door: by.door, ...(by.address === undefined ? {} : { address: by.address }), ...(by.name === undefined ? {} : { name: by.name }) },
  };
}

/** A short text of a change for the log. */
function describe(change: LibraryChange): string {
  return change.kind === 'rename' ? `rename ${change.from} -> ${change.to}` : `${change.kind} ${change.path}`;
}

/** The change a body carries, checked field by field; null when anything is off. */
export function changeOf(body: unknown): LibraryChange | null {
  if (typeof body !== 'object' || body === null) return null;
  const { v, change } = body as { v?: unknown; change?: unknown };
  if (v !== WIRE_VERSION || typeof change !== 'object' || change === null) return null;
  const c = change as Record<string, unknown>;
  const by = sourceOf(c.by);
  if (by === null) return null;
  const source = by === undefined ? {} : { by };
  switch (c.kind) {
    case 'put':
      if (!isPath(c.path) || !isCount(c.size) || !isMs(c.mtime)) return null;
      return { kind: 'put', path: c.path, size: c.size, mtime: c.mtime, ...source };
    case 'mkdir':
      if (!isPath(c.path) || !isMs(c.mtime)) return null;
      return { kind: 'mkdir', path: c.path, mtime: c.mtime, ...source };
    case 'delete':
      if (!isPath(c.path) || !isType(c.type)) return null;
      return { kind: 'delete', path: c.path, type: c.type, ...source };
    case 'rename':
      if (!isPath(c.from) || !isPath(c.to) || !isType(c.type)) return null;
      return { kind: 'rename', from: c.from, to: c.to, type: c.type, ...source };
    default:
      return null;
  }
}

/** A source as sent by forWire; undefined when absent, null when malformed. */
function sourceOf(value: unknown): ChangeSource | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return null;
  const { door, address, name } = value as Record<string, unknown>;
  if (typeof door !== 'string' || (address !== undefined && typeof address !== 'string') || (name !== undefined && typeof name !== 'string')) return null;
  return { door, ...(address === undefined ? {} : { address }), ...(name === undefined ? {} : { name }) };
}

/** A library path as the core writes them: already normalised, inside the root, not the root. */
function isPath(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    return checkPath(value) === value;
  } catch {
    return false;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isType(value: unknown): value is 'file' | 'dir' {
  return value === 'file' || value === 'dir';
}
