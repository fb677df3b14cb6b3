// Other nodes' events this node delivered before their rows were committed: merged into reads until PostgreSQL has them.
import type { PendingRow } from '../../../store/sqlite-rows.js';
import type { StoredEvent } from '../../../store/history.js';
import type { PendingChange } from '../../../store/sqlite-edits.js';

/** How long a heard row waits to be seen in PostgreSQL before it is forgotten (its node's write retries meanwhile). */
const KEEP_MS = 60_000;
/** Heard rows kept at most (the oldest go first). */
const MAX_ROWS = 5_000;

/**
 * A node publishes an event as soon as it queued its row, so another node delivers it live a few
 * milliseconds before the row is committed. Without this, a member who sees a message and then
 * enters a room on that other node could get a history without it. Only single-row events are
 * kept (a quit or rename's extra rows have ids only their node knows).
 */
export class HeardRows {
  private readonly rows = new Map<number, { readonly row: PendingRow; readonly at: number }>();

  keep(row: PendingRow, now: number): void {
    this.rows.set(row.stored.id, { row, at: now });
    for (const [id, entry] of this.rows) {
      if (this.rows.size <= MAX_ROWS && now - entry.at < KEEP_MS) break;
      this.rows.delete(id);
    }
  }

  /** An edit or delete (heard, or made on this node) of a row kept here: the merged row shows it too. */
  change(change: PendingChange): void {
    const entry = this.rows.get(change.id);
    if (entry === undefined || entry.row.stored.deleted === true) return;
    const stored: StoredEvent = change.text === null ? { ...entry.row.stored, text: '', deleted: true } : { ...entry.row.stored, text: change.text, edited: change.at };
    this.rows.set(change.id, { row: { ...entry.row, stored }, at: entry.at });
  }

  /** The message kept here under `id`, if any (an edit on this node of another node's message just sent). */
  find(id: number): PendingRow | undefined {
    return this.rows.get(id)?.row;
  }

  /**
   * `found` (oldest first, the newest `limit` rows of `convs` below `before` from `floor` on, as
   * PostgreSQL has them) with the heard rows of the same range; the newest `limit`, oldest first.
   * Rows PostgreSQL returned are forgotten here: they are committed.
   */
  merge(found: readonly StoredEvent[], convs: readonly string[], before: number, floor: number, limit: number): StoredEvent[] {
    if (this.rows.size === 0) return [...found];
    const ids = new Set<number>();
    for (const event of found) {
      ids.add(event.id);
      this.rows.delete(event.id);
    }
    const extra: StoredEvent[] = [];
    for (const { row } of this.rows.values()) {
      const event = row.stored;
      if (event.id < before && event.at >= floor && convs.includes(row.conv) && !ids.has(event.id)) extra.push(event);
    }
    if (extra.length === 0) return [...found];
    return [...found, ...extra].sort((a, b) => a.id - b.id).slice(-limit);
  }
}
