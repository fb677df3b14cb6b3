// Member name rules of SPEC section 1: validation, the key names are unique by, and reserved names.
import { NetroomError } from './errors.js';
import { skeleton } from './skeleton.js';

/*
 * The one rule every door goes through (Room.enter calls checkName, then foldName for the key;
 * the IRC and UDP doors look members up by foldName too):
 *
 * 1. The name kept and shown is the NFC form of what was typed, 1-32 code points.
 * 2. Refused (BAD_NAME): whitespace, control and format characters, every default-ignorable code
 *    point (zero-width characters, U+034F CGJ, variation selectors U+FE00-FE0F and U+E0100-E01EF,
 *    Hangul fillers U+115F/U+1160/U+3164/U+FFA0, tags...), characters that draw as a blank without
 *    being any of those (U+2800 braille blank, U+16FE4 Khitan filler, U+1D159 null notehead), lone
 *    surrogates, unassigned and private-use code points (no one can tell what they will look like),
 *    and a leading combining mark (it would sit on whatever a door prints before the name).
 *    Refusing beats stripping: a name is then shown exactly as it is compared.
 * 3. Refused (BAD_NAME): `! @ , * ? :` anywhere and a leading `# & $ + -` (IRC and the seeds'
 *    protocols give them meaning).
 * 4. The key (foldName) is skeleton.ts's UTS #39 skeleton of the NFKC case-folded name: `alice`,
 *    `ALICE`, `ａｌｉｃｅ` and Cyrillic `аlice` share one key, so the room holds one of them.
 * 5. Reserved (RESERVED_NAME): a name whose key, with everything but letters and digits removed
 *    (punctuation, symbols, combining marks), equals that of a reserved word: `[admin]`, `ａｄｍｉｎ`,
 *    `a.d.m.i.n`, `ádmin`, `ⓐⓓⓜⓘⓝ`, `admin™`. The traditional form 管理員 is listed beside
 *    管理员 because confusables.txt does not relate traditional and simplified characters.
 */

/** Longest name, in Unicode code points after NFC. */
export const MAX_NAME_LENGTH = 32;

/** The words no member may take, in any disguise; the announcement prefix `[admin]` is one of them. */
export const RESERVED_WORDS: readonly string[] = ['admin', '管理员', '管理員', 'server', 'system', 'netroom'];

const FORBIDDEN_ANYWHERE = /[!@,*?:]/u;
const FORBIDDEN_FIRST = /^[#&$+-]/u;
const LEADING_MARK = /^\p{M}/u;
// Whitespace, controls, line and paragraph separators: they would split or corrupt wire fields.
const SPACE_OR_CONTROL = /[\p{White_Space}\p{Cc}\p{Zl}\p{Zp}]/u;
// Characters that draw as nothing, or that no one can tell the look of (see rule 2 above). Which
// code points are assigned follows the runtime's Unicode (17.0 on the Node 20 and 24 we test).
// U+16FE4 is a combining mark: first in the class, so nothing reads as combined with it.
const INVISIBLE = /[\u{16FE4}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\u{1D159}\p{Cs}\p{Cn}\p{Co}]/u;
// What is left of a name once punctuation, symbols and marks are set aside (for rule 5).
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;
// Punctuation and symbols as typed, before NFKC can turn some into letters (`™` -> `TM`).
const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/gu;

/** `U+XXXX` for the first code point of `ch`, for error messages about characters one cannot see. */
function codePointLabel(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The letters and digits of a name's key: what rule 5 compares. */
function readsAs(name: string): string {
  return skeleton(name).replace(NOT_LETTER_OR_DIGIT, '');
}

let reserved: Set<string> | undefined;

/** The reserved words as rule 5 compares them, computed on first use. */
function reservedKeys(): Set<string> {
  reserved ??= new Set(RESERVED_WORDS.map(readsAs));
  return reserved;
}

/**
 * The key under which a name is unique across every door: its UTS #39 skeleton after NFKC and
 * case folding (see skeleton.ts). `Alice`, `ａｌｉｃｅ` and Cyrillic `аlice` have one key.
 * Idempotent; the key is for comparing only and is never shown.
 */
export function foldName(name: string): string {
  return skeleton(name);
}

/** True when `name`, its disguises set aside, reads as one of {@link RESERVED_WORDS}. */
export function isReservedName(name: string): boolean {
  // Twice: as typed (circled `ⓐ` is a symbol that NFKC makes a letter) and with punctuation and
  // symbols dropped first (so `admin™` does not become `admintm`).
  const keys = reservedKeys();
  return keys.has(readsAs(name)) || keys.has(readsAs(name.replace(PUNCTUATION_OR_SYMBOL, '')));
}

/**
 * The character rules names and room names share (rules 1-3 but the leading-character one):
 * returns the NFC form or throws BAD_NAME with `what` ("a name", "a room name") in the message.
 */
export function checkNameCharacters(raw: string, max: number, what = 'a name'): string {
  // Doors decode JSON and wire formats; a non-string must be a clear error, not a TypeError.
  if (typeof raw !== 'string') throw new NetroomError('BAD_NAME', `${what} must be text`);
  const name = raw.normalize('NFC');
  const length = [...name].length;
  if (length === 0) throw new NetroomError('BAD_NAME', `${what} is needed`);
  if (length > max) throw new NetroomError('BAD_NAME', `${what} is at most ${max} characters`, { max });
  if (SPACE_OR_CONTROL.test(name)) throw new NetroomError('BAD_NAME', `${what} cannot contain spaces or control characters`);
  const invisible = INVISIBLE.exec(name);
  if (invisible) {
    const char = codePointLabel(invisible[0]);
    throw new NetroomError('BAD_NAME', `${what} cannot contain invisible or unassigned characters (${char})`, { char });
  }
  if (LEADING_MARK.test(name)) throw new NetroomError('BAD_NAME', `${what} cannot start with a combining mark`);
  if (FORBIDDEN_ANYWHERE.test(name)) throw new NetroomError('BAD_NAME', `${what} cannot contain any of ! @ , * ? :`);
  return name;
}

/** Validate a proposed member name; returns it in NFC or throws BAD_NAME / RESERVED_NAME. */
export function checkName(raw: string): string {
  const name = checkNameCharacters(raw, MAX_NAME_LENGTH);
  if (FORBIDDEN_FIRST.test(name)) throw new NetroomError('BAD_NAME', 'a name cannot start with # & $ + or -');
  if (isReservedName(name)) throw new NetroomError('RESERVED_NAME', `the name ${name} is reserved`, { name });
  return name;
}
