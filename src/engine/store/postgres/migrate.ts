// Schema migrations for the PostgreSQL stores: numbered steps per component, applied once, under a lock so nodes starting together do not race.
import type pg from 'pg';

/** The parts of netroom that keep tables in PostgreSQL, each with its own numbered steps. */
export type MigrationComponent = 'access' | 'history';

/**
 * One key for every netroom migration (pg_advisory_xact_lock takes a bigint): nodes starting together
 * wait for each other here, so each step runs once and no CREATE TABLE races another.
 */
const LOCK_KEY = 0x6e6574726f6f6dn; // "netroom"

/**
 * Bring `component`'s tables up to `steps.length`: step i (0-based) is version i + 1 and runs once, in
 * one transaction with its record in netroom_migrations. Returns how many steps ran now. Throws when
 * the database was migrated by a newer netroom (more versions than this one knows).
 */
export async function migrate(pool: pg.Pool, component: MigrationComponent, steps: readonly string[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY.toString()]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS netroom_migrations (
         component text NOT NULL, version int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (component, version))`,
    );
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM netroom_migrations WHERE component = $1', [component]);
    const current = rows[0]?.version ?? 0;
    if (current > steps.length) {
      throw new Error(`the ${component} tables were written by a newer netroom (schema ${current}, this one knows ${steps.length})`);
    }
    for (let version = current + 1; version <= steps.length; version++) {
      await client.query(steps[version - 1] as string);
      await client.query('INSERT INTO netroom_migrations (component, version) VALUES ($1, $2)', [component, version]);
    }
    await client.query('COMMIT');
    return steps.length - current;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
