// Unit tests of serve's signal handling: the first SIGINT/SIGTERM asks to stop, a second forces the end.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { dieOf, StopSignals } from '../src/cli/stop-signals.js';

describe('StopSignals', () => {
  it('resolves on the first signal and forces on the second', async () => {
    const source = new EventEmitter();
    const forced: NodeJS.Signals[] = [];
    const signals = new StopSignals(source, (signal) => forced.push(signal));
    source.emit('SIGTERM', 'SIGTERM');
    expect(await signals.signalled).toBe('SIGTERM');
    expect(forced).toEqual([]);
    source.emit('SIGINT', 'SIGINT');
    expect(forced).toEqual(['SIGINT']);
  });

  it('listens to both SIGINT and SIGTERM from the start', () => {
    const source = new EventEmitter();
    new StopSignals(source, () => undefined);
    expect(source.listenerCount('SIGINT')).toBe(1);
    expect(source.listenerCount('SIGTERM')).toBe(1);
  });
});

describe('dieOf', () => {
  it('removes the handlers, then sends the signal to the process itself', () => {
    const source = Object.assign(new EventEmitter(), { pid: 4242, killed: [] as Array<[number, NodeJS.Signals]> });
    new StopSignals(source, () => undefined);
    dieOf('SIGINT', fakeProcess(source));
    expect(source.listenerCount('SIGINT')).toBe(0);
    expect(source.listenerCount('SIGTERM')).toBe(0);
    expect(source.killed).toEqual([[4242, 'SIGINT']]);
  });
});

/** The process-like object dieOf needs, backed by an EventEmitter. */
function fakeProcess(source: EventEmitter & { pid: number; killed: Array<[number, NodeJS.Signals]> }) {
  return {
    pid: source.pid,
    on: source.on.bind(source),
    removeAllListeners: source.removeAllListeners.bind(source),
    kill: (pid: number, signal: NodeJS.Signals) => source.killed.push([pid, signal]),
  };
}
