// Which process of `serve --workers N` this is: the primary names each worker's slot in its environment.
import cluster from 'node:cluster';

/** The environment variable the primary sets in each worker: its slot, 0 to N-1 (a restarted worker keeps its slot). */
export const WORKER_INDEX_ENV = 'NETROOM_WORKER_INDEX';

/** This worker's slot, or null outside `serve --workers` (a single process, or the primary). */
export function workerIndex(env: NodeJS.ProcessEnv = process.env, isWorker: boolean = cluster.isWorker): number | null {
  if (!isWorker) return null;
  const raw = env[WORKER_INDEX_ENV];
  if (raw === undefined || !/^\d{1,3}$/u.test(raw)) return null;
  return Number(raw);
}

/**
 * Whether this process binds the seed UDP door. A UDP member is a peer address held in the memory
 * of the process that saw its `L`, and the seeds' programs send every datagram to one port: shared
 * between workers, the kernel would hand a member's datagrams to whichever worker, which would not
 * know it. So the first worker alone binds it; its members reach every other worker's members
 * through the bus like any other node's.
 */
export function bindsSeedUdp(env: NodeJS.ProcessEnv = process.env, isWorker: boolean = cluster.isWorker): boolean {
  const index = workerIndex(env, isWorker);
  return index === null || index === 0;
}
