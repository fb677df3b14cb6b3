// GET /api/storage (administrators): bytes the library takes, and the free and total bytes of its file system.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { NetroomError } from '../../core/errors.js';
import { authOf } from './auth-hook.js';
import type { HttpShared } from './context.js';

/** The answer of GET /api/storage, in bytes. */
export interface Storage {
  readonly used: number;
  readonly free: number;
  readonly total: number;
}

/** How long a walked total is reused: a page polling it must not walk a big library each time. */
export const USAGE_TTL_MS = 10_000;

/**
 * The bytes of every regular file under `dir`, hidden ones included (kept uploads and the owner
 * book take disk too). Links are not followed: what they point to is counted where it lives, or
 * not at all when it lies outside. Entries vanishing during the walk are skipped.
 */
export async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) total += (await fs.lstat(full).catch(() => null))?.size ?? 0;
    }
  }
  return total;
}

/** Register GET /api/storage. */
export function storageRoutes(app: FastifyInstance, shared: HttpShared): void {
  const { library } = shared.ctx;
  let cached: { at: number; used: Promise<number> } | null = null;
  const used = (): Promise<number> => {
    const now = Date.now();
    if (cached === null || now - cached.at > USAGE_TTL_MS) {
      const walk = bytesUnder(library.realRootDir);
      cached = { at: now, used: walk };
      walk.catch(() => (cached = null)); // a failed walk is not kept
    }
    return cached.used;
  };
  app.get('/api/storage', async (request): Promise<Storage> => {
    if (authOf(request).actor.role !== 'admin') throw new NetroomError('PERMISSION_DENIED', 'only administrators see the storage figures');
    const stats = await fs.statfs(library.realRootDir);
    return { used: await used(), free: stats.bavail * stats.bsize, total: stats.blocks * stats.bsize };
  });
}
