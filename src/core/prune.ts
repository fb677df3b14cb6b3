// Removing the hidden files uploads leave behind once they are older than a TTL, now and on a timer.
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Remove the files under `dir` (hidden folders are not entered) for which `remove(full, name)` says
 * so. The one walk both the start-up clean-up and the TTL prune use. Returns how many were removed.
 */
export async function removeFilesUnder(dir: string, remove: (full: string, name: string) => boolean | Promise<boolean>): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.')) removed += await removeFilesUnder(full, remove);
    if (!entry.isFile() || !(await remove(full, entry.name))) continue;
    await fs.rm(full, { force: true });
    removed++;
  }
  return removed;
}

/**
 * Remove the files under `dir` (hidden folders excepted) whose name starts with `prefix` and that
 * were last written before `before` (ms), except those `inUse` names. Returns how many.
 */
export function pruneOld(dir: string, prefix: string, before: number, inUse: (file: string) => boolean = () => false): Promise<number> {
  return removeFilesUnder(dir, async (full, name) => {
    if (!name.startsWith(prefix) || inUse(full)) return false;
    const stat = await fs.stat(full).catch(() => null);
    return stat !== null && stat.mtimeMs < before;
  });
}

/** Runs a prune now and then every `intervalMs` on an unref'd timer, until stopped. */
export class PruneTimer {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly prune: () => Promise<number>) {}

  /** Start (a no-op while running). */
  start(intervalMs: number): void {
    if (this.timer !== null) return;
    const run = (): void => void this.prune().catch(() => undefined);
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    run();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
