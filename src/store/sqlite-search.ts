// Full-text search over the history: the user's words as an FTS5 query (trigram) plus LIKE for words too short for trigrams.
import type Database from 'better-sqlite3';
import { fromRow, type Row } from './sqlite-rows.js';
import { SEARCHED_KINDS } from './sqlite-schema.js';
import type { StoredEvent } from './history.js';

/** Words are split on white space; at most this many are used (a query is a few words, not a document). */
export const MAX_SEARCH_WORDS = 16;
/** The trigram tokenizer indexes 3-character windows: a shorter word cannot be looked up in it. */
const TRIGRAM = 3;

/** The user's query as SQL pieces: an FTS5 MATCH string (maybe empty) and LIKE patterns for the short words. */
export interface SearchPlan {
  /** Every long word as a quoted FTS5 string, space-separated (implicit AND); '' when there is none. */
  readonly match: string;
  /** `%word%` patterns (LIKE-escaped with `\`) for words under 3 characters. */
  readonly likes: readonly string[];
}

/**
 * Treat the query as plain words: each is quoted for FTS5 (a `"` doubled inside), so `OR`, `NEAR`,
 * `*`, `^`, `:`, parentheses and unbalanced quotes are text to find, never syntax. Returns null
 * when there is no word at all.
 */
export function planSearch(query: string): SearchPlan | null {
  if (typeof query !== 'string') return null;
  const words = query.normalize('NFC').split(/\s+/u).filter((w) => w.length > 0).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return null;
  const long: string[] = [];
  const likes: string[] = [];
  for (const word of words) {
    if ([...word].length >= TRIGRAM) long.push(`"${word.replaceAll('"', '""')}"`);
    else likes.push(`%${word.replace(/[\\%_]/gu, (c) => '\\' + c)}%`);
  }
  return { match: long.join(' '), likes };
}

/** Where and how far back to look. */
export interface SearchWhere {
  /** Conversation keys the searcher may read (rooms, their direct messages, announcements). */
  readonly convs: readonly string[];
  /** Only ids below this. */
  readonly before: number;
  /** Only events at or after this time (the age limit). */
  readonly since: number;
  readonly limit: number;
}

/**
 * Run a plan. With at least one long word, FTS5 drives (newest rowid first, stopping at `limit`)
 * and each hit is checked against the scope, the cursor and the short words. With only short
 * words, the scope's rows are scanned newest first with LIKE. SQLite's LIKE folds ASCII case
 * only, so a one- or two-letter word matches other letter cases only in ASCII; words of three
 * characters or more go through the trigram index, which folds case and diacritics everywhere.
 * Statements are prepared per call: a search is rare next to appends, and its shape varies.
 */
export function runSearch(db: Database.Database, plan: SearchPlan, where: SearchWhere): StoredEvent[] {
  if (where.convs.length === 0 || where.limit < 1) return [];
  const likeSql = plan.likes.map(() => " AND e.text LIKE ? ESCAPE '\\'").join('');
  const convs = JSON.stringify(where.convs);
  let sql: string;
  let params: unknown[];
  if (plan.match !== '') {
    // CROSS JOIN keeps FTS5 as the outer loop, so ORDER BY rowid DESC LIMIT stops early.
    sql =
      'SELECT e.* FROM events_fts f CROSS JOIN events e ON e.id = f.rowid ' +
      'WHERE events_fts MATCH ? AND f.rowid < ? AND e.at >= ? AND e.conv IN (SELECT value FROM json_each(?))' +
      `${likeSql} ORDER BY f.rowid DESC LIMIT ?`;
    params = [plan.match, where.before, where.since, convs, ...plan.likes, where.limit];
  } else {
    sql =
      `SELECT e.* FROM events e WHERE e.conv IN (SELECT value FROM json_each(?)) AND e.kind IN ${SEARCHED_KINDS} ` +
      `AND e.id < ? AND e.at >= ?${likeSql} ORDER BY e.id DESC LIMIT ?`;
    params = [convs, where.before, where.since, ...plan.likes, where.limit];
  }
  return db
    .prepare<unknown[], Row>(sql)
    .all(...params)
    .map(fromRow);
}
