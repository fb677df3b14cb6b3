// Keepalive of the WebSocket door: a ping every interval; a connection that missed the last pong is reported dead.
import type { WsClient } from './client.js';

/** Pings every open connection each interval; the timer is unref()ed so it never holds the process up. */
export class WsKeepalive {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly clients: Iterable<WsClient>,
    /** A connection that did not answer the previous ping: the door drops it ('timeout'). */
    private readonly onDead: (client: WsClient) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(this.sweep, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Ping everyone; whoever did not answer the previous ping is gone. */
  private readonly sweep = (): void => {
    for (const client of this.clients) {
      if (!client.open) continue;
      if (!client.alive) {
        this.onDead(client);
        continue;
      }
      // Set again by the pong (or any frame, see onFrame in incoming.ts).
      client.alive = false;
      client.ws.ping();
    }
  };
}
