// The comparison key of a member name: the UTS #39 confusable skeleton of its NFKC case-folded form.
import { CONFUSABLES_DATA } from './confusables-table.js';

/*
 * How two names are judged "the same name" (SPEC section 1):
 *
 *   round(s)    = NFD( map( NFD( caseFold( NFKC(s) ) ) ) )
 *   skeleton(s) = round applied until nothing changes
 *
 * - NFKC folds width and compatibility forms: `ａｌｉｃｅ` -> `alice`, `ℌ` -> `H`, `ﬁ` -> `fi`.
 * - caseFold is full case folding, which JavaScript lacks; lower(upper(lower(s))) gives the same
 *   classes for every case pair we know of (ß/ẞ -> ss, final ς -> σ, Cherokee both ways, İ -> i̇),
 *   and what it misses the fixpoint below still makes consistent.
 * - map is Unicode's confusables.txt (confusables-table.ts): each look-alike code point becomes its
 *   prototype, `а` (Cyrillic) -> `a`, `0` -> `O`, `m` -> `rn`. The NFD before and after are the
 *   skeleton definition of UTS #39 section 4.
 * - Why a fixpoint and not one pass: prototypes are chosen without regard to case or compatibility
 *   forms, so a prototype can fold into another source (`0` -> `O` -> `o`, `M`'s target `m` -> `rn`,
 *   `%` -> `º/₀` -> `o/o`). Without more rounds `0` and `o` would not meet although `O` and `o`
 *   are one name, and the key would not be idempotent. test/core-names-skeleton.test.ts checks
 *   that every code point settles within MAX_ROUNDS.
 *
 * The result is a key to compare, never shown: it is in NFD and `m` reads `rn` in it.
 *
 * A limit that comes with folding case first (as SPEC section 1 asks): capital `I` folds to `i`
 * before confusables.txt could relate it to `l`, so `aIice` is not `alice`. Relating them would
 * need `i` and `l` to be one letter, and then `ALICE` would clash with `allce`.
 */

/** Rounds after which the key is taken as it is; every single code point settles in fewer. */
export const MAX_ROUNDS = 6;

let table: Map<number, string> | undefined;

/** The confusables mapping, parsed on first use rather than at import (about 6,300 entries: a few ms, once). */
function confusables(): Map<number, string> {
  if (table) return table;
  const map = new Map<number, string>();
  for (const line of CONFUSABLES_DATA.split('\n')) {
    if (line === '') continue;
    const [target = '', sources = ''] = line.split(':');
    const prototype = String.fromCodePoint(...target.split(' ').map((h) => parseInt(h, 16)));
    for (const source of sources.split(',')) map.set(parseInt(source, 16), prototype);
  }
  table = map;
  return map;
}

/** Full case folding, as close as String's case mappings get (see the note above). */
export function caseFold(s: string): string {
  return s.toLowerCase().toUpperCase().toLowerCase();
}

/** One round: NFKC, case fold, then the UTS #39 skeleton mapping between two NFDs. */
function round(s: string): string {
  const map = confusables();
  let out = '';
  for (const ch of caseFold(s.normalize('NFKC')).normalize('NFD')) {
    out += map.get(ch.codePointAt(0) ?? 0) ?? ch;
  }
  return out.normalize('NFD');
}

/**
 * The key two names are compared by: equal keys mean the names read alike once case, width and
 * look-alike characters are set aside. Idempotent: skeleton(skeleton(s)) === skeleton(s).
 */
export function skeleton(s: string): string {
  let key = round(s);
  for (let i = 1; i < MAX_ROUNDS; i++) {
    const next = round(key);
    if (next === key) break;
    key = next;
  }
  return key;
}
