// The history's write statements: queued rows inserted in groups with their conversation summaries, and the full-text index brought up to an id.
import type Database from 'better-sqlite3';
import { ROWS_PER_INSERT, insertSql, pushParams, type Params, type PendingRow } from './sqlite-rows.js';
import { SEARCHED_KINDS } from './sqlite-schema.js';

type PeerParams = [string, string, string, number, number];

/** Writes queued rows (and the conversation summaries of direct messages) in one transaction. */
export function batchWriter(db: Database.Database): (rows: readonly PendingRow[]) => void {
  const insertOne = db.prepare<Params[number][]>(insertSql(1));
  const insertMany = db.prepare<Params[number][]>(insertSql(ROWS_PER_INSERT));
  const upsertPeer = db.prepare<PeerParams>(
    'INSERT INTO dm_peers (member, conv, other, last_id, last_at) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (member, conv) DO UPDATE SET other = excluded.other, last_id = excluded.last_id, last_at = excluded.last_at',
  );
  return db.transaction((rows: readonly PendingRow[]) => {
    // Whole groups of ROWS_PER_INSERT in one statement each, the rest one by one. The values go
    // as arguments, not as one array: better-sqlite3 reads an array element by element through
    // V8's generic property lookup, which measured (callgrind) about 11k instructions a row.
    const whole = rows.length - (rows.length % ROWS_PER_INSERT);
    const params: Params[number][] = [];
    for (let i = 0; i < whole; i += ROWS_PER_INSERT) {
      params.length = 0;
      for (let j = i; j < i + ROWS_PER_INSERT; j++) pushParams(params, rows[j] as PendingRow);
      insertMany.run(...params);
    }
    for (let i = whole; i < rows.length; i++) {
      params.length = 0;
      pushParams(params, rows[i] as PendingRow);
      insertOne.run(...params);
    }
    for (const row of rows) {
      const members = row.members;
      if (members !== undefined) {
        const e = row.stored;
        upsertPeer.run(members[0], row.conv, e.to ?? '', e.id, e.at);
        upsertPeer.run(members[1], row.conv, e.name ?? '', e.id, e.at);
      }
    }
  });
}

/** Indexes the searched rows with ids in (from, to] and records `to` as the index's high mark, in one transaction. */
export function ftsIndexer(db: Database.Database): (from: number, to: number) => void {
  const indexFts = db.prepare<[number, number]>(
    `INSERT INTO events_fts (rowid, text) SELECT id, text FROM events WHERE id > ? AND id <= ? AND kind IN ${SEARCHED_KINDS} AND text IS NOT NULL`,
  );
  const setFtsUpTo = db.prepare<[number]>("UPDATE meta SET value = ? WHERE key = 'fts_upto'");
  return db.transaction((from: number, to: number) => {
    indexFts.run(from, to);
    setFtsUpTo.run(to);
  });
}
