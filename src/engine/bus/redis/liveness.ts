// Which other nodes this node knows of, and which of them it has already reported lost (once per loss).

/**
 * Bookkeeping for node-loss notices. A node is known from its messages, its presence records and
 * the shared set of registered nodes; each heartbeat checks the known ones' liveness keys, and a
 * node whose key is gone is reported once. Hearing from it again (it was only cut off) makes it
 * known again, so a later loss is reported again.
 */
export class NodeWatch {
  private readonly known = new Set<string>();
  private readonly lost = new Set<string>();

  constructor(private readonly self: string) {}

  /** A sign of life from `node` (a message, a live presence record). */
  heard(node: string): void {
    if (node === this.self) return;
    this.known.add(node);
    this.lost.delete(node);
  }

  /** The nodes to check this heartbeat: known or registered, not this one, not already reported. */
  candidates(registered: readonly string[]): string[] {
    const out = new Set<string>();
    for (const node of [...this.known, ...registered]) {
      if (node !== this.self && !this.lost.has(node)) out.add(node);
    }
    return [...out];
  }

  /**
   * Record the check's answers (alive[i] for checked[i]); returns the nodes newly lost. Reported
   * nodes that left the registered set (reaped) are forgotten, so the lost set stays small.
   */
  settle(checked: readonly string[], alive: readonly boolean[], registered: readonly string[]): string[] {
    const newlyLost: string[] = [];
    checked.forEach((node, index) => {
      if (alive[index] === true) {
        this.known.add(node);
      } else {
        this.known.delete(node);
        this.lost.add(node);
        newlyLost.push(node);
      }
    });
    const stillRegistered = new Set(registered);
    for (const node of this.lost) if (!stillRegistered.has(node) && !newlyLost.includes(node)) this.lost.delete(node);
    return newlyLost;
  }
}
