// Opens the engines a Config names: the store (SQLite or PostgreSQL) and the bus (in-process or Redis).
import { join } from 'node:path';
import type { Config } from '../config.js';
import { redactUrl } from '../config-engines.js';
import type { Logger } from '../log.js';
import type { AccessStore } from '../store/access.js';
import { ACCESS_FILE, SqliteAccessStore } from '../store/access-sqlite.js';
import type { HistoryStore } from '../store/history.js';
import { SqliteHistory } from '../store/sqlite.js';
import type { Bus } from './bus/bus.js';
import { LocalBus } from './bus/local.js';
import { RedisBus } from './bus/redis/bus.js';
import { PgAccessStore } from './store/postgres/access.js';
import { PgHistory } from './store/postgres/history.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The opened engines; close() releases them in reverse order. */
export interface Engines {
  readonly history: HistoryStore;
  readonly access: AccessStore;
  readonly bus: Bus;
  /** `sqlite` or `postgres`, `local` or `redis`: for logs, /healthz and /metrics. */
  readonly storeEngine: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/**
 * Open the store and the bus. On failure, closes what was opened and rethrows (a networked engine
 * that cannot be reached at start is a clear error, not a half-started server).
 */
export async function openEngines(config: Config, log: Logger): Promise<Engines> {
  const { database, redis } = config.engines;
  const retention = { maxEvents: config.retentionCount, maxAgeMs: config.retentionDays * DAY_MS };
  const opened: (() => Promise<void> | void)[] = [];
  try {
    let history: HistoryStore;
    let access: AccessStore;
    if (database === null) {
      const sqlite = SqliteHistory.open(config.data, retention);
      opened.push(() => sqlite.close());
      history = sqlite;
      const accessStore = SqliteAccessStore.open(join(config.data, ACCESS_FILE));
      opened.push(() => accessStore.close());
      access = accessStore;
    } else {
      log.info({ database: redactUrl(database) }, 'store: PostgreSQL');
      const pgHistory = await PgHistory.open(database, { ...retention, onError: (err) => log.error({ err }, 'history store') });
      opened.push(() => pgHistory.closeAsync());
      history = pgHistory;
      const pgAccess = await PgAccessStore.open(database, { log });
      opened.push(() => pgAccess.shutdown());
      access = pgAccess;
    }
    let bus: Bus;
    if (redis === null) {
      bus = new LocalBus();
    } else {
      log.info({ redis: redactUrl(redis) }, 'bus: Redis');
      bus = new RedisBus({ url: redis, log: busLog(log) });
    }
    await bus.start();
    opened.push(() => bus.close());
    return {
      history,
      access,
      bus,
      storeEngine: database === null ? 'sqlite' : 'postgres',
      close: () => closeAll(opened),
    };
  } catch (err) {
    await closeAll(opened);
    throw err;
  }
}

async function closeAll(opened: (() => Promise<void> | void)[]): Promise<void> {
  for (const close of opened.splice(0).reverse()) {
    try {
      await close();
    } catch {
      // Closing is best effort: the process is stopping or failed to start.
    }
  }
}

function busLog(log: Logger): { warn(fields: object, message: string): void; error(fields: object, message: string): void; info(fields: object, message: string): void } {
  return {
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
  };
}
