// `serve --workers N`: the primary process forks N full nodes sharing the listening sockets, restarts the ones that die, stops them all.
import cluster, { type Worker } from 'node:cluster';
import { createInterface } from 'node:readline';
import { loadAdminToken } from '../admin-token.js';
import type { Config } from '../config.js';
import { prepareFolders } from '../folders.js';
import type { Logger } from '../log.js';
import { WORKER_INDEX_ENV } from '../net/worker-role.js';
import { asToPrimary, type ReadyMessage, type ToWorker } from './worker-messages.js';
import { RestartPolicy, type RestartLimits } from './worker-restarts.js';

/** One worker slot: its current process (null while waiting to be replaced) and its failures. */
interface Slot {
  readonly index: number;
  worker: Worker | null;
  ready: ReadyMessage | null;
  timer: NodeJS.Timeout | null;
  readonly policy: RestartPolicy;
}

/** A worker ended before every worker had started: the server does not start (its reason is on stderr). */
export class WorkerStartError extends Error {
  constructor(
    readonly index: number,
    readonly exitCode: number,
  ) {
    super(`worker ${index} ended during start-up (exit code ${exitCode})`);
    this.name = 'WorkerStartError';
  }
}

/**
 * The primary. Each worker runs this same command line (node:cluster re-runs it) with its slot in
 * NETROOM_WORKER_INDEX, and is a whole node: its own bus node id, the same --dir, --data and engines.
 * TCP listeners go through the primary, which hands out connections round-robin; node:cluster keys a
 * shared listener by address, port and the order of listen() calls, so with port 0 every worker
 * still ends up on the same port (the doors listen in a fixed order). The FTP passive listeners
 * and the seed UDP door bind `exclusive` in their own process instead (see net/worker-role.ts).
 */
export class Supervisor {
  private readonly slots: Slot[];
  private stopping = false;
  private serving = false;
  private startup: { resolve: () => void; reject: (err: Error) => void } | null = null;
  private stopped: (() => void) | null = null;
  private givenUp: ((index: number) => void) | null = null;
  /** The TCP ports of the first start, to check replacements against. */
  private ports: Readonly<Record<string, number>> | null = null;

  constructor(
    count: number,
    private readonly log: Logger,
    limits?: RestartLimits,
  ) {
    this.slots = Array.from({ length: count }, (_, index) => ({ index, worker: null, ready: null, timer: null, policy: new RestartPolicy(limits) }));
  }

  /** Fork every worker; resolves with the first worker's ready message once all have started. */
  start(): Promise<ReadyMessage> {
    // Workers read no stdin: the primary reads it and passes each line to one worker.
    cluster.setupPrimary({ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const all = new Promise<void>((resolve, reject) => (this.startup = { resolve, reject }));
    for (const slot of this.slots) this.fork(slot);
    return all.then(() => {
      this.serving = true;
      const first = this.slots[0]?.ready;
      if (!first) throw new Error('no worker');
      this.ports = first.ports;
      return first;
    });
  }

  /** The workers' process ids right now. */
  pids(): number[] {
    return this.slots.flatMap((slot) => (slot.worker?.process.pid === undefined ? [] : [slot.worker.process.pid]));
  }

  /** Resolves with the slot's index when a worker slot failed too often and was given up. */
  whenGivenUp(): Promise<number> {
    return new Promise((resolve) => (this.givenUp = resolve));
  }

  /** Send an announcement to one started worker (the bus carries it to the others); false when none is up. */
  announce(text: string): boolean {
    const slot = this.slots.find((s) => s.ready !== null && s.worker?.isConnected() === true);
    if (!slot?.worker) return false;
    send(slot.worker, { type: 'netroom:announce', text });
    return true;
  }

  /** Ask every worker to stop cleanly; resolves once all have ended. No replacement from now on. */
  stop(): Promise<void> {
    this.stopping = true;
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    for (const slot of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      if (slot.worker?.isConnected() === true) send(slot.worker, { type: 'netroom:stop' });
    }
    this.checkStopped();
    return done;
  }

  /** Pass a signal on to every worker (SIGHUP: each reloads its certificate). */
  signal(signal: NodeJS.Signals): void {
    for (const slot of this.slots) slot.worker?.process.kill(signal);
  }

  /** The second signal: end every worker at once. */
  kill(): void {
    for (const slot of this.slots) slot.worker?.process.kill('SIGKILL');
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(slot.index) });
    slot.worker = worker;
    slot.ready = null;
    worker.on('message', (value: unknown) => {
      const msg = asToPrimary(value);
      if (msg !== null) this.onReady(slot, worker, msg);
    });
    worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => this.onExit(slot, worker, code, signal));
    // The IPC channel may fail as the worker dies; 'exit' says what happened.
    worker.on('error', (err) => this.log.debug({ err, worker: slot.index }, 'worker channel error'));
    this.log.info({ worker: slot.index, pid: worker.process.pid }, 'worker forked');
  }

  private onReady(slot: Slot, worker: Worker, msg: ReadyMessage): void {
    if (slot.worker !== worker) return;
    slot.ready = msg;
    if (this.stopping) {
      // Started while everything stops: it has missed the stop sent to it.
      send(worker, { type: 'netroom:stop' });
      return;
    }
    if (this.serving) {
      this.log.info({ worker: slot.index, pid: worker.process.pid }, 'worker replaced');
      if (this.ports !== null && !samePorts(this.ports, msg.ports)) {
        this.log.warn({ worker: slot.index, ports: msg.ports, expected: this.ports }, 'the replacement worker listens on other ports (port 0 and every worker had ended)');
      }
      return;
    }
    if (this.slots.every((s) => s.ready !== null)) this.startup?.resolve();
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    slot.ready = null;
    if (this.stopping) {
      this.log.debug({ worker: slot.index, code, signal }, 'worker stopped');
      this.checkStopped();
      return;
    }
    if (!this.serving) {
      // A worker that cannot start (a port in use, an engine refusing it) would fail again: no retry.
      this.startup?.reject(new WorkerStartError(slot.index, code !== null && code !== 0 ? code : 1));
      return;
    }
    const delayMs = slot.policy.failed(Date.now());
    const fields = { worker: slot.index, pid: worker.process.pid, code, signal, failures: slot.policy.recent(Date.now()) };
    if (delayMs === null) {
      this.log.error(fields, 'worker keeps dying: giving up, the server stops');
      this.givenUp?.(slot.index);
      return;
    }
    this.log.error({ ...fields, restartInMs: delayMs }, 'worker died: replacing it');
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (!this.stopping) this.fork(slot);
    }, delayMs);
  }

  private checkStopped(): void {
    if (this.stopping && this.slots.every((slot) => slot.worker === null)) this.stopped?.();
  }
}

function send(worker: Worker, msg: ToWorker): void {
  try {
    worker.send(msg);
  } catch {
    // The worker is going away; its 'exit' event follows.
  }
}

function samePorts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * Before any worker starts: the folders (a bad one is a usage error, said once) and the
 * administrator token, generated here once rather than raced for by N workers each writing its own.
 */
export async function preparePrimary(config: Config): Promise<void> {
  await prepareFolders([
    { flag: '--dir', path: config.dir },
    { flag: '--data', path: config.data, private: true },
  ]);
  await loadAdminToken(config.data, config.adminToken);
}

/** Pass each stdin line to one worker as an announcement. */
export function forwardAnnouncements(supervisor: Supervisor, log: Logger): () => void {
  const input = createInterface({ input: process.stdin, terminal: false });
  input.on('line', (line) => {
    const text = line.trim();
    if (text === '') return;
    if (!supervisor.announce(text)) console.error('netroom: announcement not sent: no worker is running right now');
    else log.debug({ text }, 'announcement passed to a worker');
  });
  // End of standard input (a service started with </dev/null) is not a reason to stop serving.
  input.on('error', () => undefined);
  return () => input.close();
}
