// Parsers of the engine flags (--database, --redis, --workers): which store and which bus a node runs on.
import { UsageError } from './usage-error.js';

/** What the engines flags resolve to: null means the embedded engine (SQLite, in-process). */
export interface EngineConfig {
  /** `--database postgres://...`: the PostgreSQL store; null: SQLite in --data. */
  readonly database: string | null;
  /** `--redis redis://...`: the Redis bus and presence; null: in-process. */
  readonly redis: string | null;
  /** `--workers N`: processes sharing the listening sockets on this machine (1: this process only). */
  readonly workers: number;
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function parseUrl(value: string | undefined, flag: string, schemes: readonly string[], example: string): string | null {
  if (value === undefined || value === '' || value === 'off') return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`${flag} takes a URL such as ${example}, not "${redactUrl(value)}"`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new UsageError(`${flag} takes a ${schemes.map((s) => s.replace(/:$/u, '://')).join(' or ')} URL such as ${example}, not ${parsed.protocol}//...`);
  }
  return value;
}

/**
 * Validate the engines together. A node with --redis but no --database would share who is online
 * with other nodes while keeping accounts, rooms and history in its own SQLite file: refused.
 */
export function parseEngines(database: string | undefined, redis: string | undefined, workers: string | undefined): EngineConfig {
  const engines: EngineConfig = {
    database: parseUrl(database, '--database', ['postgres:', 'postgresql:'], 'postgres://netroom@127.0.0.1/netroom'),
    redis: parseUrl(redis, '--redis', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    workers: parseWorkers(workers),
  };
  if (engines.redis !== null && engines.database === null) {
    throw new UsageError(
      '--redis makes this node one of several, but without --database its accounts, rooms and history would stay in its own SQLite file: give --database postgres://... too (or leave out --redis for a single node)',
    );
  }
  if (engines.workers > 1 && (engines.redis === null || engines.database === null)) {
    throw new UsageError(`--workers ${engines.workers} runs several processes, which share state through the networked engines: give --redis and --database too`);
  }
  return engines;
}

function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^\d{1,3}$/u.test(value) || Number(value) < 1 || Number(value) > 256) throw new UsageError(`--workers takes a number of processes from 1 to 256, not "${value}"`);
  return Number(value);
}
