// afterOutput: deferred work (history commits) runs after a turn's socket flush, or on its own when no door flushes.
import { describe, expect, it } from 'vitest';
import { afterOutput, runAfterOutput } from '../src/net/after-output.js';

describe('afterOutput', () => {
  it('runs after a flush queued later in the same turn, once, when the flush calls runAfterOutput', async () => {
    const order: string[] = [];
    let task = 0;
    // As in a door: the history's append (afterOutput) comes before the door queues its flush.
    afterOutput(() => {
      task++;
      order.push('commit');
    });
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        order.push('flush');
        runAfterOutput(false);
        resolve();
      }),
    );
    expect(order).toEqual(['flush', 'commit']);
    // The fallback was cancelled: two more check phases later the task has still run once.
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
    expect(task).toBe(1);
  });

  it('runs on its own after the flushes of the turn when no door flushes', async () => {
    const order: string[] = [];
    const done = new Promise<void>((resolve) =>
      afterOutput(() => {
        order.push('commit');
        resolve();
      }),
    );
    // A flush queued in the same turn that does not ask for the tasks (another kind of writer).
    setImmediate(() => order.push('flush'));
    await done;
    expect(order).toEqual(['flush', 'commit']);
  });

  it('runs every task queued before the flush, in order', () => {
    const seen: number[] = [];
    afterOutput(() => seen.push(1));
    afterOutput(() => seen.push(2));
    runAfterOutput(false);
    runAfterOutput(false);
    expect(seen).toEqual([1, 2]);
  });

  it("tells each task whether the door still has input waiting; the fallback says it cannot tell", async () => {
    const told: boolean[] = [];
    afterOutput((waiting) => told.push(waiting));
    runAfterOutput(true);
    await new Promise<void>((resolve) => afterOutput((waiting) => {
      told.push(waiting);
      resolve();
    }));
    expect(told).toEqual([true, false]);
  });
});
