// LISTEN on netroom_access over a dedicated connection, reconnecting with backoff when PostgreSQL goes away.
import pg from 'pg';
import type { Logger } from '../../../log.js';
import { ACCESS_CHANNEL } from './access-schema.js';
import { reasonOf } from './connect.js';

/** Told about other nodes' commits; `missed` after a reconnection, when notices may have been lost. */
export interface ListenEvents {
  notice(payload: string): void;
  missed(): void;
}

/** One client that only listens. */
export class AccessListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private tries = 0;

  constructor(
    private readonly url: string,
    private readonly events: ListenEvents,
    private readonly log: Logger,
  ) {}

  /** Connect and LISTEN; rejects when the first connection fails (open() reports it). */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'netroom', keepAlive: true, connectionTimeoutMillis: 5000 });
    let lost = false;
    const onLost = (err?: Error): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.log.warn({ reason: err ? reasonOf(err) : 'connection ended' }, 'PostgreSQL change notices lost; reconnecting');
      this.schedule();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel === ACCESS_CHANNEL) this.events.notice(msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ACCESS_CHANNEL}`);
    } catch (err) {
      lost = true;
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private schedule(): void {
    const delay = Math.min(5000, 100 * 2 ** this.tries++);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect().then(
        () => {
          this.tries = 0;
          // Notices sent while we were away are gone: read everything again.
          if (!this.closed) this.events.missed();
        },
        (err: unknown) => {
          if (this.closed) return;
          if (this.tries === 5) this.log.error({ reason: reasonOf(err) }, 'PostgreSQL unreachable: other nodes\u2019 access changes are not seen');
          this.schedule();
        },
      );
    }, delay);
    this.retry.unref();
  }
}
