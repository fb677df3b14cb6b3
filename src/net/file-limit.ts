// The process's open-file limit: read from /proc/self/limits, raised to the hard limit at start, and the connection caps derived from it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';

/** RLIMIT_NOFILE: the soft limit applies, the hard one is as far as an unprivileged process may raise it. */
export interface FileLimit {
  readonly soft: number;
  readonly hard: number;
}

/** Default per-address cap: a classroom behind one NAT address (hundreds of people, a few connections each) fits. */
export const DEFAULT_MAX_PER_ADDRESS = 512;

/** The limit of this process (or of `pid`'s, or as given in the text of a limits file), or null where /proc is not there (not Linux). */
export function readFileLimit(text?: string, pid?: number): FileLimit | null {
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(`/proc/${pid ?? 'self'}/limits`, 'utf8');
    } catch {
      return null;
    }
  }
  // "Max open files            1024                 524288               files"
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/mu.exec(source);
  if (!match) return null;
  const value = (s: string | undefined): number => (s === 'unlimited' || s === undefined ? Infinity : Number(s));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/** Whose limit to raise and with what (tests aim it at another process, or at a prlimit that is not there). */
export interface RaiseOptions {
  readonly pid?: number;
  /** Default `prlimit`, looked up in PATH. */
  readonly command?: string;
}

/**
 * Raise the soft file limit to the hard one. Node itself does so at start-up on Linux (its
 * platform init), so this usually finds nothing to do; where the soft limit is still lower,
 * util-linux `prlimit` raises it for our PID (Node has no setrlimit; a process may raise its own
 * soft limit up to the hard one without privileges). Never fails: without prlimit, or if it
 * refuses, the limit stays and a warning says so. Resolves to the limit in force afterwards
 * (null where it cannot be read).
 */
export async function raiseFileLimit(log: Logger, options: RaiseOptions = {}): Promise<FileLimit | null> {
  const pid = options.pid ?? process.pid;
  const before = readFileLimit(undefined, pid);
  if (before === null) {
    log.debug('open-file limit unknown (no /proc/self/limits): left as it is');
    return null;
  }
  if (before.soft >= before.hard) return before;
  const hard = before.hard === Infinity ? 'unlimited' : String(before.hard);
  const failure = await new Promise<string | null>((resolve) => {
    execFile(options.command ?? 'prlimit', ['--pid', String(pid), `--nofile=${hard}:${hard}`], { timeout: 5000 }, (err, _stdout, stderr) => {
      if (err === null) resolve(null);
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') resolve('prlimit (util-linux) is not installed');
      else resolve(stderr.trim() || err.message);
    });
  });
  const after = readFileLimit(undefined, pid) ?? before;
  if (failure !== null || after.soft < before.hard) {
    log.warn(
      { soft: after.soft, hard: before.hard, reason: failure ?? 'the limit did not change' },
      'could not raise the open-file limit to the hard limit: connection caps follow the lower one (raise it with ulimit -n or LimitNOFILE=)',
    );
  } else {
    log.info({ from: before.soft, to: after.soft }, 'open-file limit raised to the hard limit');
  }
  return after;
}

/**
 * Caps that keep the server below its file limit: some descriptors are kept for files, logs and
 * the history (a quarter of the limit, at most 1024), and each connection may hold one more (the
 * file it sends or receives, an FTP data connection), so connections get half of the rest. The
 * per-address default is at most an eighth of that: four TCP doors from one address still leave
 * half the server to everyone else. An unknown limit is taken as 1024.
 */
export function connectionCaps(
  limit: FileLimit | null,
  given: { readonly maxConnections?: number | undefined; readonly maxPerAddress?: number | undefined } = {},
): { maxConnections: number; maxPerAddress: number } {
  const soft = Math.min(limit?.soft ?? 1024, 1 << 24);
  const reserve = Math.min(1024, Math.floor(soft / 4));
  const maxConnections = given.maxConnections ?? Math.max(16, Math.floor((soft - reserve) / 2));
  const maxPerAddress = given.maxPerAddress ?? Math.max(1, Math.min(DEFAULT_MAX_PER_ADDRESS, Math.floor(maxConnections / 8)));
  return { maxConnections, maxPerAddress };
}
