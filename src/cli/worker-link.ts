// The worker's side of `serve --workers N`: tells the primary it has started, takes its announcements and its stop.
import type { DoorStatus } from '../server.js';
import { asToWorker, type ReadyMessage } from './worker-messages.js';

/** The channel to the primary, from a worker's point of view. */
export class WorkerLink {
  /** Resolves when the primary asks this worker to stop (it got SIGINT or SIGTERM). */
  readonly stopRequested: Promise<void>;
  private requestStop: () => void = () => undefined;
  private announce: ((text: string) => void) | null = null;
  private readonly onMessage = (value: unknown): void => {
    const msg = asToWorker(value);
    if (msg === null) return;
    if (msg.type === 'netroom:stop') this.requestStop();
    else this.announce?.(msg.text);
  };

  constructor(
    /** This worker's slot (0 to N-1). */
    readonly index: number,
    private readonly channel: NodeJS.Process = process,
  ) {
    this.stopRequested = new Promise((resolve) => (this.requestStop = resolve));
    channel.on('message', this.onMessage);
  }

  /** Started: hand the banner to the primary, which prints it once for all workers. */
  ready(banner: readonly string[], statuses: readonly DoorStatus[]): void {
    const ports: Record<string, number> = {};
    for (const status of statuses) {
      if (status.state === 'listening' && status.address.protocol === 'tcp') ports[status.door] = status.address.port;
    }
    const msg: ReadyMessage = { type: 'netroom:ready', banner, ports };
    this.channel.send?.(msg);
  }

  /** Where the primary's announcements go (stdin lines typed to it). */
  onAnnounce(handler: (text: string) => void): void {
    this.announce = handler;
  }

  /** Stop listening to the primary. */
  close(): void {
    this.channel.off('message', this.onMessage);
  }
}
