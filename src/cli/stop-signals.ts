// SIGINT/SIGTERM for `serve`: the first asks for a clean stop, a second one ends the process at once.

/** The part of `process` this needs (an EventEmitter stands in for it in tests). */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeAllListeners(event: NodeJS.Signals): unknown;
}

/** The signals that stop `serve`. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Installed before anything else runs, so a signal is never lost and never ignored: `signalled`
 * resolves on the first one (whatever `serve` is doing: starting or serving), and `onForce` runs on
 * the second, for when the clean stop itself is stuck.
 */
export class StopSignals {
  readonly signalled: Promise<NodeJS.Signals>;
  private received = 0;

  constructor(source: SignalSource, onForce: (signal: NodeJS.Signals) => void) {
    let resolve: (signal: NodeJS.Signals) => void = () => undefined;
    this.signalled = new Promise((r) => (resolve = r));
    const listener = (signal: NodeJS.Signals): void => {
      this.received += 1;
      if (this.received === 1) resolve(signal);
      else onForce(signal);
    };
    for (const signal of STOP_SIGNALS) source.on(signal, listener);
  }
}

/**
 * End the process by `signal` as if no handler were installed: the kernel ends it at once, with the
 * status a shell reports as 128 + the signal's number. process.exit() is no substitute: it waits
 * for the libuv thread pool, and a thread stuck in a read (a hung disk, a FIFO) would keep it alive.
 */
export function dieOf(signal: NodeJS.Signals, source: SignalSource & { kill(pid: number, signal: NodeJS.Signals): unknown; pid: number } = process): void {
  for (const each of STOP_SIGNALS) source.removeAllListeners(each);
  source.kill(source.pid, signal);
}
