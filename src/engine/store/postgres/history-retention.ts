// Retention of the PostgreSQL history: age everywhere, count per room and conversation; run inside the writer's transaction.
import type pg from 'pg';

/**
 * Delete what happened before `cutoff` (ms), and the conversation summaries whose last message is
 * that old. Ids and times grow together, so the old rows are those below the first young id, found
 * by walking the primary key from the oldest: the cost is the rows about to go, and no index on
 * `at` is needed. A row behind a young one (a node's clock was behind) waits for a later prune;
 * reads hide it meanwhile.
 */
export async function pruneByAge(client: pg.PoolClient, cutoff: number): Promise<void> {
  await client.query(
    'DELETE FROM history_events WHERE id < coalesce((SELECT id FROM history_events WHERE at >= $1 ORDER BY id LIMIT 1), 9007199254740991)',
    [Math.floor(cutoff)],
  );
  await client.query('DELETE FROM history_peers WHERE last_at < $1', [Math.floor(cutoff)]);
}

/**
 * Keep the newest `max` rows of each of `convs` (every conversation when null): per conversation,
 * the id `max` rows down from its newest is found on the (conv, id) index, and it and all older go.
 */
export async function pruneByCount(client: pg.PoolClient, convs: readonly string[] | null, max: number): Promise<void> {
  if (convs !== null && convs.length === 0) return;
  const source = convs === null ? '(SELECT DISTINCT conv FROM history_events)' : 'unnest($2::text[])';
  await client.query(
    `DELETE FROM history_events e USING (
       SELECT c.conv, (SELECT x.id FROM history_events x WHERE x.conv = c.conv ORDER BY x.id DESC OFFSET $1 LIMIT 1) AS cut
       FROM ${source} AS c(conv)
     ) k
     WHERE e.conv = k.conv AND e.id <= k.cut`,
    convs === null ? [max] : [max, convs],
  );
}
