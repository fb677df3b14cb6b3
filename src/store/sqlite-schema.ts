// The history database's schema (version 3: rooms, conversations, full-text search, edits) and its migrations from versions 1 and 2.
import type Database from 'better-sqlite3';
import { roomKey } from '../core/chat/room-key.js';
import { LOBBY } from '../core/chat/types.js';

/** The schema version kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 3;

/** The conversation key of announcements: shown in every room, so kept under a key no room or conversation can have. */
export const ANNOUNCE_CONV = '*';

/** The stored kinds full-text search covers (and whose text the FTS table indexes). */
export const SEARCHED_KINDS = "('message', 'dm', 'announce')";

/**
 * Version 1 (one room): `events (id, at, kind, name, text, path, size, reason)` and an index on `at`.
 * Version 2 adds to each row its conversation (`conv`: the room key, `dm:a b`, or `*` for
 * announcements), the room name as shown, the addressee (`to_name`) and the NOTICE flag. The columns
 * keep version 1's order with the new ones after, so a migrated file and a new one are alike.
 */
const EVENTS_V2 = `
  CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    name    TEXT,
    text    TEXT,
    path    TEXT,
    size    INTEGER,
    reason  TEXT,
    conv    TEXT,
    room    TEXT,
    to_name TEXT,
    notice  INTEGER
  );
`;

/*
 * What version 2 adds beside the events table:
 * - events_conv: recent() and page() read one conversation newest first from (conv, id), so a page
 *   costs its own rows whatever the table holds. No index on `at` any more: ids and times grow
 *   together, so the age prune finds its cut-off by walking ids from the oldest (see retention).
 * - events_fts: FTS5 over the text of messages, direct messages and announcements, with events as
 *   its external content (the text is not stored twice; retention removes a row's entries with
 *   FTS5's 'delete' command and the row's text). Measured: contentless_delete tables cost 10x more
 *   per deleted row when retention deletes in small batches, as it does. The trigram
 *   tokenizer matches any 3+ character substring, case- and diacritic-insensitively, which is what
 *   finds words in Chinese and Japanese text that has no spaces (unicode61 would index a whole
 *   sentence as one token). Shorter words fall back to LIKE (sqlite-search.ts).
 * - dm_peers: per member key and conversation, the other side's name as last seen and the newest
 *   id and time, for conversations() and for the search scope of a member's direct messages.
 * - rooms: persisted rooms by folded key.
 * - meta: `fts_upto`, the highest event id the FTS index covers (indexing trails the writes).
 */
const V2_OBJECTS = `
  CREATE INDEX events_conv ON events (conv, id);
  CREATE VIRTUAL TABLE events_fts USING fts5(
    text, content = 'events', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1'
  );
  CREATE TABLE dm_peers (
    member  TEXT    NOT NULL,
    conv    TEXT    NOT NULL,
    other   TEXT    NOT NULL,
    last_id INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (member, conv)
  ) WITHOUT ROWID;
  CREATE INDEX dm_peers_newest ON dm_peers (member, last_id);
  CREATE TABLE rooms (
    key        TEXT PRIMARY KEY,
    name       TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    topic_by   TEXT,
    topic_at   INTEGER,
    created_at INTEGER NOT NULL,
    modes      TEXT    NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('fts_upto', 0);
`;

/** Version 1 to 2: the single room's rows become `#lobby` rows; announcements stay announcements (every room shows them). */
function migrateFrom1(db: Database.Database): void {
  db.exec(`
    ALTER TABLE events ADD COLUMN conv TEXT;
    ALTER TABLE events ADD COLUMN room TEXT;
    ALTER TABLE events ADD COLUMN to_name TEXT;
    ALTER TABLE events ADD COLUMN notice INTEGER;
    DROP INDEX IF EXISTS events_at;
  `);
  db.prepare(`UPDATE events SET conv = CASE kind WHEN 'announce' THEN ? ELSE ? END, room = CASE kind WHEN 'announce' THEN NULL ELSE ? END`).run(
    ANNOUNCE_CONV,
    roomKey(LOBBY),
    LOBBY,
  );
  db.exec(V2_OBJECTS);
  // Index the old text now: the store indexes only rows past fts_upto.
  db.exec(`INSERT INTO events_fts (rowid, text) SELECT id, text FROM events WHERE kind IN ${SEARCHED_KINDS} AND text IS NOT NULL`);
  db.exec(`UPDATE meta SET value = (SELECT coalesce(max(id), 0) FROM events) WHERE key = 'fts_upto'`);
}

/**
 * Version 2 to 3 (issue 14): a message's author account (who may edit it), when it was last edited
 * (`edited`, ms) and the tombstone flag (`deleted` 1, text NULL: out of the search index).
 */
function migrateFrom2(db: Database.Database): void {
  db.exec(`
    ALTER TABLE events ADD COLUMN account TEXT;
    ALTER TABLE events ADD COLUMN edited INTEGER;
    ALTER TABLE events ADD COLUMN deleted INTEGER;
  `);
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) !== undefined;
}

/**
 * Bring the file to {@link SCHEMA_VERSION} in one transaction (all or nothing). Throws when the file
 * was written by a newer netroom: its rows could mean things this version does not know.
 */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`it was written by a newer netroom (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  }
  db.transaction(() => {
    if (version < 2) {
      // Version 1 created its table with IF NOT EXISTS before setting user_version: a file left at
      // 0 with an events table is a version 1 file.
      if (hasTable(db, 'events')) migrateFrom1(db);
      else db.exec(EVENTS_V2 + V2_OBJECTS);
    }
    if (version < 3) migrateFrom2(db);
    // Written even when current: this first write takes the EXCLUSIVE lock the store keeps until
    // close, so a second server on the same folder is refused here, at open.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
