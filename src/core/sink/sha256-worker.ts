// The body of a hashing worker thread: SHA-256 states of uploads, fed with transferred buffers.
import type { HashReply, HashRequest } from './sha256-protocol.js';

/**
 * Runs inside the worker. It is started from its source text (`Worker(String(fn), { eval: true })`),
 * so it must not use anything from this module's scope: Node modules come from getBuiltinModule.
 */
export function sha256WorkerMain(): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { openSync, readSync, closeSync } = process.getBuiltinModule('node:fs');
  if (parentPort === null) return;
  const port = parentPort;
  const jobs = new Map<number, ReturnType<typeof createHash>>();
  const answer = (reply: HashReply): void => port.postMessage(reply);
  const fail = (id: number, err: unknown): void => {
    const error = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    answer({ id, ok: false, error, ...(typeof code === 'string' ? { code } : {}) });
  };

  /** Hash the first `length` bytes of `file` (a continued upload's prefix) without the main thread. */
  const hashPrefix = (hash: ReturnType<typeof createHash>, file: string, length: number): void => {
    const fd = openSync(file, 'r');
    try {
      const chunk = Buffer.allocUnsafe(Math.min(length, 1024 * 1024));
      let done = 0;
      while (done < length) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, length - done), done);
        if (n === 0) throw Object.assign(new Error(`${file} ended after ${done} of ${length} bytes`), { code: 'ESHORT' });
        hash.update(chunk.subarray(0, n));
        done += n;
      }
    } finally {
      closeSync(fd);
    }
  };

  port.on('message', (request: HashRequest) => {
    const { id } = request;
    try {
      switch (request.op) {
        case 'open': {
          const hash = createHash('sha256');
          if (request.prefix !== undefined) hashPrefix(hash, request.prefix.file, request.prefix.length);
          jobs.set(id, hash);
          answer({ id, ok: true });
          return;
        }
        case 'update': {
          const hash = jobs.get(id);
          if (hash === undefined) throw new Error(`no hash job ${id}`);
          hash.update(new Uint8Array(request.buffer, 0, request.length));
          // Handed back, not copied: the sender reuses it for its next slot.
          port.postMessage({ id, ok: true, buffer: request.buffer } satisfies HashReply, [request.buffer]);
          return;
        }
        case 'digest': {
          const hash = jobs.get(id);
          if (hash === undefined) throw new Error(`no hash job ${id}`);
          jobs.delete(id);
          answer({ id, ok: true, digest: hash.digest('hex') });
          return;
        }
        case 'drop':
          jobs.delete(id);
          return;
      }
    } catch (err) {
      jobs.delete(id);
      fail(id, err);
    }
  });
}
