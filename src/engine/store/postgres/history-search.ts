// Search of the PostgreSQL history: whole words through full-text search, Chinese/Japanese words and punctuation as substrings.
import { COLUMNS, pgText, type Statement } from './history-rows.js';
import { SEARCHED_KINDS } from './history-schema.js';

/** Words are split on white space; at most this many are used (a query is a few words, not a document). */
export const MAX_SEARCH_WORDS = 16;

/**
 * Scripts written without spaces between words: the 'simple' parser takes a whole sentence of them
 * as one token, so a word in them is looked up as a substring. Hangul is written with spaces, but
 * particles attach to the word (학교에서), so it is looked up the same way.
 */
const NO_SPACES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A word with no letter or digit (quotes, operators, `%`): no token at all for full-text search. */
const WORDY = /[\p{L}\p{N}]/u;

/** The user's query as SQL pieces. */
export interface SearchPlan {
  /** The words for plainto_tsquery('simple', ...), space-separated; '' when there is none. */
  readonly words: string;
  /** `%...%` ILIKE patterns (escaped with `\`) for the substring words. */
  readonly likes: readonly string[];
}

/**
 * Plain words, never syntax: the full-text words go through plainto_tsquery (which has no
 * operators: `OR`, `-`, quotes are words or nothing), the rest through ILIKE with `\`, `%` and `_`
 * escaped. Null when there is no word at all.
 */
export function planSearch(query: string): SearchPlan | null {
  if (typeof query !== 'string') return null;
  const all = pgText(query).normalize('NFC').split(/\s+/u).filter((w) => w.length > 0).slice(0, MAX_SEARCH_WORDS);
  if (all.length === 0) return null;
  const words: string[] = [];
  const likes: string[] = [];
  for (const word of all) {
    if (NO_SPACES.test(word) || !WORDY.test(word)) likes.push(`%${word.replace(/[\\%_]/gu, (c) => '\\' + c)}%`);
    else words.push(word);
  }
  return { words: words.join(' '), likes };
}

/** Where and how far back to look. */
export interface SearchWhere {
  /** Room conversation keys the searcher may read, and announcements. */
  readonly convs: readonly string[];
  /** The folded name whose direct messages are included, from `memberSince` on; null: none. */
  readonly member: string | null;
  readonly memberSince: number;
  /** Only ids below this. */
  readonly before: number;
  /** Only events at or after this time (the age limit). */
  readonly since: number;
  readonly limit: number;
}

/**
 * The search as one statement, newest first. The searcher's conversations are its rooms, the
 * announcements and the direct-message conversations history_peers lists for its name. PostgreSQL
 * picks between the GIN indexes (words, trigrams) and walking the scope's (conv, id) index.
 */
export function searchStatement(plan: SearchPlan, where: SearchWhere): Statement {
  const values: unknown[] = [where.convs, where.member, where.before, where.since, where.memberSince];
  let sql =
    `SELECT ${COLUMNS} FROM history_events WHERE kind IN ${SEARCHED_KINDS} ` +
    'AND (conv = ANY($1::text[]) OR conv IN (SELECT conv FROM history_peers WHERE member = $2)) ' +
    "AND id < $3 AND at >= $4 AND (kind <> 'dm' OR at >= $5)";
  if (plan.words !== '') {
    values.push(plan.words);
    sql += ` AND words @@ plainto_tsquery('simple', $${values.length})`;
  }
  for (const like of plan.likes) {
    values.push(like);
    sql += ` AND text ILIKE $${values.length}`;
  }
  values.push(where.limit);
  sql += ` ORDER BY id DESC LIMIT $${values.length}`;
  return { text: sql, values };
}
