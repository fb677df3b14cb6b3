// Retention of the history: age everywhere, count per room and conversation; each delete keeps the FTS index in step.
import type Database from 'better-sqlite3';
import { SEARCHED_KINDS } from './sqlite-schema.js';

/** The rows the FTS index holds (up to fts_upto): the same condition as the indexing in sqlite.ts. */
const INDEXED = `kind IN ${SEARCHED_KINDS} AND text IS NOT NULL`;

/**
 * The deletes of retention, prepared once. Rows the FTS index already covers (id <= fts_upto) are
 * taken out of it first, with FTS5's 'delete' command and the text they were indexed with.
 */
export class Retention {
  private readonly firstYoung: Database.Statement<[number], number>;
  private readonly deleteFtsBelow: Database.Statement<[number, number]>;
  private readonly deleteBelow: Database.Statement<[number]>;
  private readonly deletePeersBefore: Database.Statement<[number]>;
  private readonly cutoffOf: Database.Statement<[string, number], number>;
  private readonly deleteFtsOfConv: Database.Statement<[string, number, number]>;
  private readonly deleteOfConv: Database.Statement<[string, number]>;
  private readonly allConvs: Database.Statement<[], string>;

  constructor(private readonly db: Database.Database) {
    // Ids and times grow together (one writer assigns ids in the order the chat stamps events), so
    // the rows past the age limit are the ones below the first young id: found by walking ids from
    // the oldest, which costs the rows about to be deleted and needs no index on `at`. If the clock
    // stepped back, an old row behind a young one waits for a later prune; reads hide it meanwhile.
    this.firstYoung = db.prepare<[number], number>('SELECT id FROM events WHERE at >= ? ORDER BY id LIMIT 1').pluck();
    this.deleteFtsBelow = db.prepare<[number, number]>(
      `INSERT INTO events_fts (events_fts, rowid, text) SELECT 'delete', id, text FROM events WHERE id < ? AND id <= ? AND ${INDEXED}`,
    );
    this.deleteBelow = db.prepare<[number]>('DELETE FROM events WHERE id < ?');
    this.deletePeersBefore = db.prepare<[number]>('DELETE FROM dm_peers WHERE last_at < ?');
    // The id of the first row past the newest `max` of a conversation: it and everything older go.
    this.cutoffOf = db.prepare<[string, number], number>('SELECT id FROM events WHERE conv = ? ORDER BY id DESC LIMIT 1 OFFSET ?').pluck();
    this.deleteFtsOfConv = db.prepare<[string, number, number]>(
      `INSERT INTO events_fts (events_fts, rowid, text) SELECT 'delete', id, text FROM events WHERE conv = ? AND id <= ? AND id <= ? AND ${INDEXED}`,
    );
    this.deleteOfConv = db.prepare<[string, number]>('DELETE FROM events WHERE conv = ? AND id <= ?');
    // DISTINCT over the (conv, id) index: one step per conversation, not per row.
    this.allConvs = db.prepare<[], string>('SELECT DISTINCT conv FROM events WHERE conv IS NOT NULL').pluck();
  }

  /** Delete what happened before `cutoff` (ms). `ftsUpTo`: the highest id in the FTS index; `endId`: past every row. */
  byAge(cutoff: number, ftsUpTo: number, endId: number): void {
    const below = this.firstYoung.get(cutoff) ?? endId;
    this.db.transaction(() => {
      this.deleteFtsBelow.run(below, ftsUpTo);
      this.deleteBelow.run(below);
      this.deletePeersBefore.run(cutoff);
    })();
  }

  /** Keep the newest `max` rows of each of `convs` (every conversation when null). */
  byCount(convs: Iterable<string> | null, max: number, ftsUpTo: number): void {
    const list = convs ?? this.allConvs.all();
    this.db.transaction(() => {
      for (const conv of list) {
        const cutoff = this.cutoffOf.get(conv, max);
        if (cutoff === undefined) continue;
        this.deleteFtsOfConv.run(conv, cutoff, ftsUpTo);
        this.deleteOfConv.run(conv, cutoff);
      }
    })();
  }
}
