// The one way test helpers wait for the next arrival: woken by it, with a timer only as the deadline.

/** A waiter a receiver wakes on each arrival; the timer only bounds a wait that would otherwise fail. */
export class Waker {
  private waiting: (() => void) | null = null;

  /** Wake the waiter, if one waits. */
  wake(): void {
    this.waiting?.();
  }

  /** Resolve on the next wake(), or after `ms` (the caller's deadline) at the latest. */
  async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.waiting = null;
  }
}
