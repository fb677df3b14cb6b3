// Messages between the SHA-256 pool (main thread) and its hashing workers.

/** Main thread to worker. Each job is pinned to one worker, which answers its messages in order. */
export type HashRequest =
  /** Start a job; with `prefix`, the worker first hashes the first `length` bytes of `file` itself. */
  | { readonly op: 'open'; readonly id: number; readonly prefix?: { readonly file: string; readonly length: number } }
  /** Hash the first `length` bytes of `buffer`, which is transferred and comes back with the answer. */
  | { readonly op: 'update'; readonly id: number; readonly buffer: ArrayBuffer; readonly length: number }
  /** Finish: answer the hex digest and forget the job. */
  | { readonly op: 'digest'; readonly id: number }
  /** Forget the job without an answer (its upload was abandoned). */
  | { readonly op: 'drop'; readonly id: number };

/** Worker to main thread: one answer per open, update (with its buffer back) and digest, in order per job. */
export type HashReply =
  | { readonly id: number; readonly ok: true; readonly digest?: string; readonly buffer?: ArrayBuffer }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly code?: string };
