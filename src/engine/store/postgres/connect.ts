// PostgreSQL plumbing shared by the networked stores: the URL checked and shown without its password, a pool that fails clearly, transient errors told apart.
import pg from 'pg';
import { NetroomError } from '../../../core/errors.js';

/** Where a `postgres://` URL points, safe to print (never the password). */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** Options of {@link openPool}. */
export interface PoolOptions {
  /** Most connections at once; default 10. */
  readonly max?: number;
  /** How long a new connection may take, ms; default 5000. */
  readonly connectTimeoutMs?: number;
  /** Told about errors of idle connections (PostgreSQL restarted, network cut); without it they would crash the process. */
  readonly onIdleError?: (err: Error) => void;
}

/** Parse and check a `postgres://` (or `postgresql://`) URL; throws an Error that says what is wrong, without the password. */
export function parseDatabaseUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('--database must be a URL such as postgres://user:password@host:5432/netroom');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`--database must be a postgres:// URL (got ${parsed.protocol}//...)`);
  }
  // libpq's own form for a Unix socket folder: postgres:///db?host=/run/postgresql
  const host = decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port === '' ? Number(parsed.searchParams.get('port') ?? 5432) : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--database has a bad port: ${parsed.port}`);
  const user = decodeURIComponent(parsed.username) || process.env.PGUSER || process.env.USER || 'postgres';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  return { host, port, database, user };
}

/** "host:port/database" for messages and logs. */
export function describeTarget(target: PgTarget): string {
  return `${target.host}:${target.port}/${target.database}`;
}

/**
 * A pool on `url` that has answered `select 1`; rejects with STORE_UNAVAILABLE naming the host, the
 * port and PostgreSQL's reason (never the password) when it cannot connect.
 */
export async function openPool(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  const target = parseDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: 'netroom',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    keepAlive: true,
  });
  // An idle connection that dies (PostgreSQL restarted) emits 'error' on the pool: unhandled, that ends the process.
  pool.on('error', (err) => options.onIdleError?.(err));
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unavailable(err, target);
  }
  return pool;
}

/** A STORE_UNAVAILABLE error naming where and why (the password is never part of it). */
export function unavailable(err: unknown, target: PgTarget): NetroomError {
  if (err instanceof NetroomError) return err;
  return new NetroomError('STORE_UNAVAILABLE', `cannot use PostgreSQL at ${describeTarget(target)}: ${reasonOf(err)}`, {
    host: target.host,
    port: target.port,
  });
}

/** PostgreSQL's or the network's reason in a few words. */
export function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') {
    // Node's "happy eyeballs" tries each address of a name and reports them together, with no message of its own.
    return err.errors.map((e: unknown) => reasonOf(e)).join('; ');
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/**
 * True when `err` says the statement was refused for what it asked (bad data, a unique or foreign key
 * conflict, an unknown table: SQLSTATE classes 22, 23, 42): trying again cannot help. Anything else
 * (connection refused or lost, server shutting down, too many connections, a timeout, a deadlock) is
 * worth another try.
 */
export function isFinalError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

/** SQLSTATE 23505: a unique key already holds the value. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === '23505';
}
