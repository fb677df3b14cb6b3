// V8 garbage-collector setting for the netroom process: full collections when the heap is full, not per network buffer.
import { setFlagsFromString } from 'node:v8';

/**
 * Turn off V8's incremental marking, unless the node command line names an incremental-marking
 * flag or NETROOM_INCREMENTAL_MARKING=1 (V8 flags are not allowed in NODE_OPTIONS).
 *
 * Every 64 KiB chunk Node reads from a socket is its own ArrayBuffer, and V8 counts those bytes
 * against the old generation until a collection frees them. Once the young generation has grown
 * (it does on a busy server), a fast upload allocates about 8 MB of them between two scavenges, and
 * that starts an incremental full collection, again and again: 50 to 170 per GiB uploaded, which
 * cost 1.5-2.5 s of CPU per GiB (`node --trace-gc`, `npm run bench`). Without incremental marking,
 * V8 collects the old generation when it is really full, atomically: 1 collection in the same
 * upload. The price: a full collection pauses the event loop at once (48-72 ms on a 64-93 MB heap,
 * against steps of at most 20 ms), and there are fewer of them.
 *
 * It must run before the heap has done anything incremental, so main.ts imports this module first.
 */
export function tuneGarbageCollector(argv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (argv.some((arg) => arg.includes('incremental-marking')) || env.NETROOM_INCREMENTAL_MARKING === '1') return false;
  setFlagsFromString('--no-incremental-marking');
  return true;
}

tuneGarbageCollector();
