// Edits and deletes applied to the history rows they name: the new text (or the tombstone) and the full-text index kept in step.
import type Database from 'better-sqlite3';
import type { ChatEvent, FoundMessage } from '../core/chat/types.js';
import { SEARCHED_KINDS } from './sqlite-schema.js';

/** An edit or delete waiting for the next write (after the rows queued before it, so the row it names exists). */
export type PendingChange = { readonly id: number; readonly at: number; readonly text: string } | { readonly id: number; readonly at: number; readonly text: null };

/** The change an `edit` or `delete` event makes, or null for any other event. */
export function changeOf(event: ChatEvent): PendingChange | null {
  if (event.kind === 'edit') return { id: event.target, at: event.at, text: event.text };
  if (event.kind === 'delete') return { id: event.target, at: event.at, text: null };
  return null;
}

interface FoundRow {
  id: number;
  kind: 'message' | 'dm';
  room: string | null;
  name: string | null;
  to_name: string | null;
  account: string | null;
  deleted: number | null;
}

/** Only live messages change: a tombstone stays one, and other kinds are never touched. */
const CHANGEABLE = "kind IN ('message', 'dm') AND deleted IS NULL";

/**
 * The statements of edits and deletes, prepared once. A row the FTS index covers already (id <=
 * fts_upto) is taken out of it with the text it was indexed with (FTS5's 'delete' needs exactly
 * that text) and, for an edit, indexed again with the new one; a row not indexed yet is indexed
 * later with whatever text it has then. A deleted row's text is NULL, which every indexing and
 * retention statement skips (`text IS NOT NULL`), so it is never found again.
 */
export class EditRows {
  private readonly unindex: Database.Statement<[number]>;
  private readonly reindex: Database.Statement<[number]>;
  private readonly setText: Database.Statement<[string, number, number]>;
  private readonly tombstone: Database.Statement<[number]>;
  private readonly selectFound: Database.Statement<[number], FoundRow>;

  constructor(db: Database.Database) {
    this.unindex = db.prepare<[number]>(
      `INSERT INTO events_fts (events_fts, rowid, text) SELECT 'delete', id, text FROM events WHERE id = ? AND kind IN ${SEARCHED_KINDS} AND text IS NOT NULL AND ${CHANGEABLE}`,
    );
    this.reindex = db.prepare<[number]>(`INSERT INTO events_fts (rowid, text) SELECT id, text FROM events WHERE id = ? AND text IS NOT NULL AND ${CHANGEABLE}`);
    this.setText = db.prepare<[string, number, number]>(`UPDATE events SET text = ?, edited = ? WHERE id = ? AND ${CHANGEABLE}`);
    this.tombstone = db.prepare<[number]>(`UPDATE events SET text = NULL, deleted = 1 WHERE id = ? AND ${CHANGEABLE}`);
    this.selectFound = db.prepare<[number], FoundRow>("SELECT id, kind, room, name, to_name, account, deleted FROM events WHERE id = ? AND kind IN ('message', 'dm')");
  }

  /** Apply changes in order (inside the caller's transaction); `ftsUpTo`: the highest id the index covers. */
  apply(changes: readonly PendingChange[], ftsUpTo: number): void {
    for (const change of changes) {
      const indexed = change.id <= ftsUpTo;
      if (indexed) this.unindex.run(change.id);
      if (change.text === null) {
        this.tombstone.run(change.id);
      } else {
        this.setText.run(change.text, change.at, change.id);
        if (indexed) this.reindex.run(change.id);
      }
    }
  }

  /** The message or direct message under `id`, deleted ones included. */
  find(id: number): FoundMessage | undefined {
    const row = this.selectFound.get(id);
    if (row === undefined) return undefined;
    return {
      id: row.id,
      kind: row.kind,
      ...(row.room === null ? {} : { room: row.room }),
      name: row.name ?? '',
      ...(row.to_name === null ? {} : { to: row.to_name }),
      ...(row.account === null ? {} : { account: row.account }),
      deleted: row.deleted === 1,
    };
  }
}
