// The access store's one ordered write queue: each write commits in turn, retried with backoff while PostgreSQL is away, never dropped unsaid.
import type pg from 'pg';
import type { Logger } from '../../../log.js';
import type { AccessMirror } from './access-mirror.js';
import { ACCESS_CHANNEL } from './access-schema.js';
import { isFinalError, reasonOf } from './connect.js';

/** One change: already made in the mirror, to be made in PostgreSQL. */
export interface QueuedWrite {
  /** For logs: "add account alice" (never a secret or a hash). */
  readonly what: string;
  /** The account it belongs to: dropped if that account's creation here lost a race to another node. */
  readonly accountKey?: string;
  /** This write creates `accountKey`. */
  readonly addsAccount?: boolean;
  /** Tell the other nodes (a last-used time is not worth a reload everywhere). */
  readonly notify: boolean;
  /** Its effect on a mirror: made once when called, again on a fresh mirror after a reload. */
  apply(mirror: AccessMirror): void;
  /** The SQL, inside a transaction; 'conflict' when another node's commit decided otherwise. */
  run(client: pg.PoolClient): Promise<'done' | 'conflict'>;
}

/** Reads the tables again and re-applies `later`, the writes still waiting (the store swaps its mirror). */
export type Reloader = (client: pg.PoolClient, later: readonly QueuedWrite[]) => Promise<void>;

const RELOAD = 'reload' as const;
type Item = QueuedWrite | typeof RELOAD;

/** Backoff between tries: 100 ms doubling to 5 s. */
const MAX_DELAY_MS = 5000;
/** An outage is logged as an error after this many tries, then every 20th. */
const LOUD_AFTER = 5;

/** Writes and reloads, one at a time, in order. */
export class WriteQueue {
  private readonly items: Item[] = [];
  private running = false;
  private stopped = false;
  private wakeSleep: (() => void) | undefined;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly instanceId: string,
    private readonly reload: Reloader,
    private readonly log: Logger,
  ) {}

  /** Writes not yet committed (the one being tried included). */
  get size(): number {
    return this.items.filter((i) => i !== RELOAD).length;
  }

  push(write: QueuedWrite): void {
    if (this.stopped) {
      this.log.error({ write: write.what }, 'access store closed: change not saved to PostgreSQL');
      return;
    }
    this.items.push(write);
    this.kick();
  }

  /** True while `write` waits and has not started (a touch may still change its time). */
  waiting(write: QueuedWrite): boolean {
    return this.items.indexOf(write) > 0;
  }

  /** Reload after what is queued now; one waiting reload serves every request made before it starts. */
  requestReload(): void {
    if (this.stopped || this.items.indexOf(RELOAD, 1) > 0) return;
    this.items.push(RELOAD);
    this.kick();
  }

  /** Resolves when the queue is empty, or at `deadlineMs` at the latest; the writes left. */
  async drain(deadlineMs: number): Promise<number> {
    if (this.items.length > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.idle.delete(done);
          resolve();
        };
        const timer = setTimeout(done, deadlineMs);
        this.idle.add(done);
      });
    }
    return this.size;
  }

  /** Stop trying; what is left is logged by the caller. */
  stop(): QueuedWrite[] {
    this.stopped = true;
    this.wakeSleep?.();
    return this.items.filter((i): i is QueuedWrite => i !== RELOAD);
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (this.items.length > 0 && !this.stopped) {
      await this.perform(this.items[0] as Item);
      this.items.shift();
    }
    this.running = false;
    if (this.items.length === 0) for (const done of [...this.idle]) done();
  }

  /** Try `item` until it commits or PostgreSQL refuses it for good; never throws. */
  private async perform(item: Item): Promise<void> {
    const what = item === RELOAD ? 'reload' : item.what;
    for (let tries = 1; !this.stopped; tries++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        await this.backoff(tries, what, err);
        continue;
      }
      try {
        if (item === RELOAD) {
          await this.reload(client, this.items.slice(1).filter((i): i is QueuedWrite => i !== RELOAD));
        } else {
          await client.query('BEGIN');
          const outcome = await item.run(client);
          if (item.notify) await client.query('SELECT pg_notify($1, $2)', [ACCESS_CHANNEL, this.instanceId]);
          await client.query('COMMIT');
          if (outcome === 'conflict') this.conflicted(item);
        }
        client.release();
        if (tries > LOUD_AFTER) this.log.info({ write: what, tries }, 'PostgreSQL is back: access change saved');
        return;
      } catch (err) {
        if (item !== RELOAD) await client.query('ROLLBACK').catch(() => undefined);
        if (isFinalError(err)) {
          client.release();
          this.log.error({ write: what, reason: reasonOf(err) }, 'PostgreSQL refused an access change; reloading what it holds');
          if (item !== RELOAD) this.conflicted(item);
          return;
        }
        // The connection may be broken: destroy it rather than hand it back.
        client.release(err as Error);
        await this.backoff(tries, what, err);
      }
    }
  }

  /**
   * Another node's commit won (or PostgreSQL refused): reload next, so the mirror holds what PostgreSQL
   * holds. When this node's new account lost, the writes queued for that account go too: they meant
   * this node's account, not the other node's one of the same name.
   */
  private conflicted(item: QueuedWrite): void {
    if (item.addsAccount === true && item.accountKey !== undefined) {
      for (let i = 1; i < this.items.length; ) {
        const later = this.items[i] as Item;
        if (later !== RELOAD && later.accountKey === item.accountKey) {
          if (later.addsAccount === true) break;
          this.items.splice(i, 1);
          this.log.warn({ write: later.what }, 'dropped: it was for an account another node created first');
        } else {
          i++;
        }
      }
    }
    if (this.items[1] !== RELOAD) this.items.splice(1, 0, RELOAD);
  }

  private async backoff(tries: number, what: string, err: unknown): Promise<void> {
    const fields = { write: what, tries, waiting: this.size, reason: reasonOf(err) };
    if (tries === LOUD_AFTER || (tries > LOUD_AFTER && tries % 20 === 0)) this.log.error(fields, 'PostgreSQL unreachable: access changes are waiting');
    else if (tries === 1) this.log.warn(fields, 'PostgreSQL did not take an access change; trying again');
    const delay = Math.min(MAX_DELAY_MS, 100 * 2 ** (tries - 1));
    await new Promise<void>((resolve) => {
      // Unref'ed: a process that is otherwise done is not kept alive by a retry (close() drains first).
      const timer = setTimeout(resolve, delay).unref();
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleep = undefined;
  }
}
