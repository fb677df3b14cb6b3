// The local bus: one process, nobody else to tell; every call answers at once.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Bus, BusChannel, BusHealth, ClaimResult, PresenceRecord } from './bus.js';

/** A node id unique per process: host, pid and a random tail (a restarted process on the same pid differs). */
export function newNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

const unsubscribed = (): void => {};

/**
 * The embedded engine. The chat core keeps names unique inside one process, so a claim here is
 * always `ok`; there are no other nodes, so nothing is published, no presence is shared and no
 * node is ever lost.
 */
export class LocalBus implements Bus {
  readonly nodeId: string;
  readonly shared = false;

  constructor(options: { nodeId?: string } = {}) {
    this.nodeId = options.nodeId ?? newNodeId();
  }

  async start(): Promise<void> {}

  /** Delivered nowhere, and that is a success: every member is on this node. */
  publish(_channel: BusChannel, _body: object): boolean {
    return true;
  }

  subscribe(_channel: BusChannel, _handler: (body: unknown, from: string) => void): () => void {
    return unsubscribed;
  }

  claimName(_key: string): Promise<ClaimResult> {
    return Promise.resolve('ok');
  }

  onClaimLost(_handler: (key: string) => void): () => void {
    return unsubscribed;
  }

  releaseName(_key: string): void {}

  putPresence(_key: string, _record: PresenceRecord | null): void {}

  /** Empty: the chat core knows its own members; presence only lists what other nodes said. */
  presences(): Promise<PresenceRecord[]> {
    return Promise.resolve([]);
  }

  onNodeLost(_handler: (node: string) => void): () => void {
    return unsubscribed;
  }

  claimReap(_node: string): Promise<boolean> {
    return Promise.resolve(false);
  }

  onStatus(_handler: (up: boolean) => void): () => void {
    return unsubscribed;
  }

  health(): BusHealth {
    return { engine: 'local', up: true, latencyMs: null, lagMs: null };
  }

  async close(): Promise<void> {}
}
