// Small statistics and process-accounting helpers for the benchmarks.
import { readFileSync } from 'node:fs';

/** The p-th percentile (0-100) of numbers, by nearest rank; NaN for none. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/** CPU time (user + system) of a process in microseconds, from /proc (Linux); null elsewhere. */
export function cpuMicros(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1_000_000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Peak resident set size of a process in bytes (VmHWM), or null. */
export function peakRss(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Datagrams dropped by the kernel at the UDP socket bound to `port` (all matching sockets), or null. */
export function udpDrops(port: number): number | null {
  let total: number | null = null;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/u);
      if (cols.length < 13) continue;
      if (cols[1]?.endsWith(`:${hexPort}`)) total = (total ?? 0) + Number(cols[cols.length - 1]);
    }
  }
  return total;
}

/** Format a number with thousands separators and `digits` decimals. */
export function fmt(value: number | null, digits = 0): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Wait until `delivered()` reaches `expected`, or until nothing new has arrived for `idleMs`, and
 * never longer than `limitMs`. `arm` receives the function the receiver calls to end a wait early
 * (when the last delivery lands). Shared by the fan-out loads so each stops by itself.
 */
export async function settle(
  delivered: () => number,
  expected: number,
  arm: (wake: () => void) => void,
  idleMs: number,
  limitMs: number,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (delivered() < expected && Date.now() < deadline) {
    const before = delivered();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, idleMs);
      arm(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (delivered() === before) break;
  }
}

/** Uploads measured several times: best and median MB/s, and the server's CPU seconds per GiB moved. */
export interface UploadFigures {
  readonly best: number;
  readonly median: number;
  readonly cpuPerGiB: number | null;
}

/**
 * Run `once` (one upload of `bytes`) `tries` times against the server `pid`. Throughput on a shared
 * 2-core machine swings with the neighbours' load; the server's CPU per GiB barely does, so it is
 * the figure to compare two versions of the write path by.
 */
export async function measureUploads(pid: number, bytes: number, tries: number, once: (i: number) => Promise<{ mbPerSecond: number }>): Promise<UploadFigures> {
  const speeds: number[] = [];
  const before = cpuMicros(pid);
  for (let i = 0; i < tries; i++) speeds.push((await once(i)).mbPerSecond);
  const after = cpuMicros(pid);
  speeds.sort((a, b) => a - b);
  const cpuPerGiB = before === null || after === null ? null : (after - before) / 1e6 / ((bytes * tries) / 2 ** 30);
  return { best: speeds[speeds.length - 1] ?? 0, median: speeds[Math.floor(speeds.length / 2)] ?? 0, cpuPerGiB };
}

/** One table cell for upload figures. */
export function uploadCell(f: UploadFigures, what: string): string {
  return `best ${fmt(f.best)} MB/s, median ${fmt(f.median)} (${what}) | server CPU ${f.cpuPerGiB === null ? 'n/a' : `${fmt(f.cpuPerGiB, 2)} s`} per GiB`;
}
