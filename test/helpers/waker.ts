// The one way test helpers wait for the next arrival: woken by it, with a timer only as the deadline.

/** Waiters a receiver wakes on each arrival; the timer only bounds a wait that would otherwise fail. */
export class Waker {
  private readonly waiting: Array<() => void> = [];

  /** Wake every waiter. */
  wake(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Resolve on the next wake(), or after `ms` (the caller's deadline) at the latest. */
  async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
