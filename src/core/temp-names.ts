// Hidden temp names that say which process made them, so nodes sharing one library folder never take or clean up each other's.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process as written into its temp names: `PID@HOST`. Several nodes may share one library
 * folder (`--dir` on NFS, CephFS...): the random part keeps their names apart, and the tag tells a
 * node which temps it may clean up (its own, or those of a process on its host that is gone) and
 * which belong to another live process (another machine's, or another worker on this one).
 */
export const HOST = safeHost(hostname());
export const NODE_TAG = `${process.pid}@${HOST}`;

/** How long a temp of another live process (or another host) may go without a byte before anyone may remove it: 24 h. */
export const FOREIGN_STALE_MS = 24 * 60 * 60 * 1000;

/** `PREFIX` + 16 random hex digits + `.PID@HOST`: unique per node even on a shared folder. */
export function tempName(prefix: string): string {
  return `${prefix}${randomBytes(8).toString('hex')}.${NODE_TAG}`;
}

/** Who made a temp, from its name: null for a name without a tag (written by a netroom from before tags). */
export function ownerOfTemp(name: string): { readonly pid: number; readonly host: string } | null {
  const match = /\.(\d{1,10})@([A-Za-z0-9.-]{1,63})$/u.exec(name);
  if (match === null) return null;
  return { pid: Number(match[1]), host: match[2] as string };
}

/**
 * Whose a temp is: `mine` (this process made it), `dead` (its process is gone: a process of this
 * host that no longer runs, or a name without a tag, as one node alone wrote them), or `live`
 * (another running process of this host, or any process of another host: nobody here can tell
 * whether it still runs, so only the age of its last byte may condemn it).
 */
export function tempOwner(name: string): 'mine' | 'dead' | 'live' {
  const owner = ownerOfTemp(name);
  if (owner === null) return 'dead';
  if (owner.host !== HOST) return 'live';
  if (owner.pid === process.pid) return 'mine';
  return isRunning(owner.pid) ? 'live' : 'dead';
}

/** True when a process with this id exists on this host (EPERM: it exists, as another user). */
function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The host name as a file name part: letters, digits, `-` and `.`, at most 63 characters. */
function safeHost(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9.-]/gu, '-').slice(0, 63);
  return safe === '' ? 'host' : safe;
}
