// Member name rules of SPEC section 1: validation, normalisation and case-insensitive folding.
import { NetroomError } from './errors.js';

/** Longest name, in Unicode code points after NFC. */
export const MAX_NAME_LENGTH = 32;

const RESERVED = new Set(['admin', '管理员', 'server', 'system', 'netroom']);
const FORBIDDEN_ANYWHERE = /[!@,*?:]/u;
const FORBIDDEN_FIRST = /^[#&$+-]/u;
// Whitespace, control characters and invisible format characters (which would allow look-alike names).
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * The key under which a name is unique: NFC, then locale-independent lower case.
 * Every door uses this, so "Alice" on IRC and "alice" over UDP clash.
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Validate a proposed member name; returns it in NFC or throws BAD_NAME / RESERVED_NAME. */
export function checkName(raw: string): string {
  // Doors decode JSON and wire formats; a non-string must be a clear error, not a TypeError.
  if (typeof raw !== 'string') throw new NetroomError('BAD_NAME', 'a name must be text');
  const name = raw.normalize('NFC');
  const length = [...name].length;
  if (length === 0) throw new NetroomError('BAD_NAME', 'a name is needed');
  if (length > MAX_NAME_LENGTH) {
    throw new NetroomError('BAD_NAME', `a name is at most ${MAX_NAME_LENGTH} characters`, { max: MAX_NAME_LENGTH });
  }
  if (INVISIBLE.test(name)) throw new NetroomError('BAD_NAME', 'a name cannot contain spaces or control characters');
  if (FORBIDDEN_ANYWHERE.test(name)) throw new NetroomError('BAD_NAME', 'a name cannot contain any of ! @ , * ? :');
  if (FORBIDDEN_FIRST.test(name)) throw new NetroomError('BAD_NAME', 'a name cannot start with # & $ + or -');
  if (RESERVED.has(foldName(name))) throw new NetroomError('RESERVED_NAME', `the name ${name} is reserved`, { name });
  return name;
}
