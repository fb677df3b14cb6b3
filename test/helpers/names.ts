// The look-alike names of issue 10 item 8, shared by the unit tests and the door tests.
import type { ErrorCode } from '../../src/core/errors.js';

/** The names the attack run got in while `alice2360` was present, with what they must get now. */
export const ATTACK_NAMES: ReadonlyArray<readonly [label: string, name: string, code: ErrorCode]> = [
  ['fullwidth', 'ａｌｉｃｅ2360', 'NAME_TAKEN'],
  ['Cyrillic а', '\u0430lice2360', 'NAME_TAKEN'],
  ['Cyrillic і', 'al\u0456ce2360', 'NAME_TAKEN'],
  ['Cyrillic е', 'alic\u04352360', 'NAME_TAKEN'],
  ['Cyrillic а, і and е at once', '\u0430l\u0456c\u04352360', 'NAME_TAKEN'],
  ['then U+3164 Hangul filler', 'alice2360\u3164', 'BAD_NAME'],
  ['then U+2800 braille blank', 'alice2360\u2800', 'BAD_NAME'],
  ['then U+034F combining grapheme joiner', 'alice2360\u034f', 'BAD_NAME'],
  ['then U+FE0F variation selector 16', 'alice2360\ufe0f', 'BAD_NAME'],
  ['fullwidth admin', 'ａｄｍｉｎ', 'RESERVED_NAME'],
  ['admin with Cyrillic а', '\u0430dmin', 'RESERVED_NAME'],
  ['[admin]', '[admin]', 'RESERVED_NAME'],
  ['fullwidth server', 'ｓｅｒｖｅｒ', 'RESERVED_NAME'],
  ['fullwidth netroom', 'ｎｅｔｒｏｏｍ', 'RESERVED_NAME'],
  ['管理員 (traditional 管理员)', '管理員', 'RESERVED_NAME'],
];
