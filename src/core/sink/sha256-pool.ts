// SHA-256 off the main thread: a few worker threads hold the hash states of uploads in progress.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './sha256-protocol.js';
import { sha256WorkerMain } from './sha256-worker.js';

/** Options of a pool; every limit has a default. */
export interface Sha256PoolOptions {
  /** Worker threads at most. Default: one per CPU but one (for the event loop), 1 to 4. */
  size?: number;
  /** A worker with no job for this long ends (it is started again on demand). Default 30 s. */
  idleMs?: number;
}

interface Pending {
  resolve: (reply: HashReply & { ok: true }) => void;
  reject: (err: Error) => void;
}

/** One worker thread and the jobs pinned to it. */
interface Thread {
  readonly worker: Worker;
  readonly jobs: Map<number, Sha256Job>;
  idle: NodeJS.Timeout | null;
}

/** The error every pending and later call of a job gets once its worker has gone. */
function threadGone(reason: string): Error {
  return Object.assign(new Error(`the hashing thread stopped: ${reason}`), { code: 'EHASHTHREAD' });
}

/**
 * A small pool of hashing threads. Hashing is the one CPU-heavy step of an upload (about 0.6 s of
 * one core per GiB even with the CPU's SHA instructions); on its own thread it runs beside the
 * event loop that reads the socket and queues the file writes, instead of after it.
 */
export class Sha256Pool {
  private static sharedPool: Sha256Pool | null = null;
  readonly size: number;
  private readonly idleMs: number;
  private readonly threads: Thread[] = [];
  private nextId = 1;

  constructor(options: Sha256PoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.idleMs = options.idleMs ?? 30_000;
  }

  /** The process-wide pool every upload uses unless given another. */
  static shared(): Sha256Pool {
    Sha256Pool.sharedPool ??= new Sha256Pool();
    return Sha256Pool.sharedPool;
  }

  /** Worker threads running now (started lazily, ended when idle). */
  get threadCount(): number {
    return this.threads.length;
  }

  /** Start a hash; with `prefix`, it starts from the first `length` bytes of `file` (read by the worker). */
  open(prefix?: { file: string; length: number }): Sha256Job {
    const thread = this.pickThread();
    const job = new Sha256Job(this.nextId++, thread.worker, () => this.release(thread, job));
    thread.jobs.set(job.id, job);
    if (thread.idle !== null) {
      clearTimeout(thread.idle);
      thread.idle = null;
    }
    job.send({ op: 'open', id: job.id, ...(prefix === undefined ? {} : { prefix }) });
    return job;
  }

  /** End every worker thread (their jobs fail). For tests and shutdown; the pool stays usable. */
  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private pickThread(): Thread {
    let best: Thread | undefined;
    for (const t of this.threads) if (best === undefined || t.jobs.size < best.jobs.size) best = t;
    if (best !== undefined && (best.jobs.size === 0 || this.threads.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): Thread {
    const worker = new Worker(`(${sha256WorkerMain.toString()})()`, { eval: true, name: 'netroom-sha256' });
    // Never what keeps the process alive: an upload in progress holds its socket and file anyway.
    worker.unref();
    const thread: Thread = { worker, jobs: new Map(), idle: null };
    const gone = (reason: string): void => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      if (thread.idle !== null) clearTimeout(thread.idle);
      for (const job of thread.jobs.values()) job.fail(threadGone(reason));
      thread.jobs.clear();
    };
    worker.on('message', (reply: HashReply) => thread.jobs.get(reply.id)?.answer(reply));
    worker.on('error', (err) => gone(err.message));
    worker.on('exit', (code) => gone(`exit code ${code}`));
    this.threads.push(thread);
    return thread;
  }

  private release(thread: Thread, job: Sha256Job): void {
    thread.jobs.delete(job.id);
    if (thread.jobs.size > 0 || thread.idle !== null || !this.threads.includes(thread)) return;
    thread.idle = setTimeout(() => {
      thread.idle = null;
      if (thread.jobs.size > 0) return;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      void thread.worker.terminate();
    }, this.idleMs);
    thread.idle.unref();
  }
}

/**
 * One SHA-256 in progress on a pool thread. Calls are answered in the order made; after `digest()`
 * or `drop()` the job is over. A failure (a prefix that cannot be read, the thread gone) rejects
 * the pending calls and every later one.
 */
export class Sha256Job {
  private readonly pending: Pending[] = [];
  private failure: Error | null = null;
  private over = false;
  /** Resolves once the job is open (a continued upload's prefix is hashed); rejects if it cannot be. */
  readonly ready: Promise<void>;
  private readyPending: Pending | undefined;

  constructor(
    readonly id: number,
    private readonly worker: Worker,
    private readonly onOver: () => void,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyPending = { resolve: () => resolve(), reject };
    });
    // Nobody may be waiting on `ready` (the first update reports the same failure).
    this.ready.catch(() => undefined);
  }

  /**
   * Hash the first `length` bytes of `buffer`. The buffer is transferred (detached here, no copy)
   * and resolves back once hashed, for reuse; on a failure it is lost.
   */
  async update(buffer: ArrayBuffer, length: number): Promise<ArrayBuffer> {
    const size = buffer.byteLength; // read before the transfer detaches it
    const reply = await this.call({ op: 'update', id: this.id, buffer, length }, [buffer]);
    return reply.buffer ?? new ArrayBuffer(size);
  }

  /** The hex digest of everything hashed; ends the job. */
  async digest(): Promise<string> {
    const reply = await this.call({ op: 'digest', id: this.id });
    this.end();
    return reply.digest ?? '';
  }

  /** Abandon the job (no answer). Safe to call more than once, and after digest(). */
  drop(): void {
    if (this.over) return;
    if (this.failure === null) this.worker.postMessage({ op: 'drop', id: this.id } satisfies HashRequest);
    this.fail(new Error('the hash was dropped'));
    this.end();
  }

  /** @internal Posts the open request; its answer settles `ready`. */
  send(request: HashRequest): void {
    if (this.readyPending !== undefined) this.pending.push(this.readyPending);
    this.readyPending = undefined;
    this.worker.postMessage(request);
  }

  /** @internal An answer from the worker, for the oldest pending call. */
  answer(reply: HashReply): void {
    const waiter = this.pending.shift();
    if (reply.ok) {
      waiter?.resolve(reply);
      return;
    }
    const err = Object.assign(new Error(reply.error), reply.code === undefined ? {} : { code: reply.code });
    waiter?.reject(err);
    this.fail(err);
    this.end();
  }

  /** @internal Reject what is pending and every later call with `err`. */
  fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.pending.splice(0)) waiter.reject(err);
  }

  private call(request: HashRequest, transfer: ArrayBuffer[] = []): Promise<HashReply & { ok: true }> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.over) return Promise.reject(new Error('the hash is already finished'));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(request, transfer);
    });
  }

  private end(): void {
    if (this.over) return;
    this.over = true;
    this.onOver();
  }
}
