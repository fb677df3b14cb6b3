// Look-alike names (issue 10 item 8): UTS #39 skeletons, invisible characters and disguised reserved names, in the chat.
import { describe, expect, it } from 'vitest';
import { CONFUSABLES_COUNT, CONFUSABLES_UNICODE_VERSION } from '../src/core/confusables-table.js';
import { NetroomError, type ErrorCode } from '../src/core/errors.js';
import { RESERVED_WORDS, checkName, foldName, isReservedName } from '../src/core/names.js';
import { Chat } from '../src/core/chat/chat.js';
import { LOBBY } from '../src/core/chat/types.js';
import { MAX_ROUNDS, skeleton } from '../src/core/skeleton.js';
import { ATTACK_NAMES } from './helpers/names.js';

/** The code Chat.enter throws for `name`, or undefined when it lets the name in. */
function enterCode(room: Chat, name: string): ErrorCode | undefined {
  try {
    room.enter(name, 'test');
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(NetroomError);
    return (err as NetroomError).code;
  }
}

/** A chat where `alice2360` is present, as in the attack run. */
function roomWithAlice(): Chat {
  const room = new Chat({ flood: null });
  room.enter('alice2360', 'ws');
  return room;
}

describe('the attack run: every name it got in is refused while alice2360 is present', () => {
  it.each(ATTACK_NAMES)('%s: %s gets %s', (_label, name, code) => {
    const room = roomWithAlice();
    expect(enterCode(room, name)).toBe(code);
    expect(room.online().map((m) => m.name)).toEqual(['alice2360']);
    expect(room.members(LOBBY).map((m) => m.name)).toEqual(['alice2360']);
  });

  it('the invisible ones say which character, as U+XXXX', () => {
    for (const [char, label] of [
      ['\u3164', 'U+3164'],
      ['\u2800', 'U+2800'],
      ['\u034f', 'U+034F'],
      ['\ufe0f', 'U+FE0F'],
    ]) {
      expect(() => checkName(`alice2360${char}`)).toThrow(label);
    }
  });

  it('says whom a look-alike clashes with', () => {
    const room = roomWithAlice();
    expect(() => room.enter('\u0430lice2360', 'irc')).toThrow(
      expect.objectContaining({ code: 'NAME_TAKEN', message: 'the name \u0430lice2360 is already in use (as alice2360)' }),
    );
    expect(() => room.enter('alice2360', 'irc')).toThrow(/^the name alice2360 is already in use$/u);
  });

  it('the look-alikes are free again once alice2360 has left, and then hold the name against alice2360', () => {
    const room = roomWithAlice();
    const alice = room.find('alice2360');
    expect(alice).toBeDefined();
    room.disconnect(alice!, 'quit');
    const impostor = room.enter('\u0430lice2360', 'irc');
    expect(impostor.name).toBe('\u0430lice2360');
    expect(enterCode(room, 'alice2360')).toBe('NAME_TAKEN');
    expect(room.find('ALICE2360')).toBe(impostor);
  });
});

describe('skeleton keys', () => {
  it('uses the whole confusables table of a known Unicode version', () => {
    expect(CONFUSABLES_UNICODE_VERSION).toBe('13.0.0');
    expect(CONFUSABLES_COUNT).toBeGreaterThan(6000);
  });

  it.each([
    ['case', 'Alice', 'alice'],
    ['width', 'ａｌｉｃｅ', 'alice'],
    ['Greek omicron', 'b\u03bfb', 'bob'],
    ['digit one for l', 'a1ice', 'alice'],
    ['digit zero for o, through O', 'b0b', 'bob'],
    ['rn for m', 'rnary', 'mary'],
    ['mathematical bold', '\u{1d41a}\u{1d425}\u{1d422}\u{1d41c}\u{1d41e}', 'alice'],
    ['sharp s', 'stra\u00dfe', 'STRASSE'],
    ['capital sharp s', 'STRA\u1e9eE', 'strasse'],
    ['final sigma', '\u03c3\u03bf\u03c6\u03b9\u03b1\u03c2', '\u03a3\u039f\u03a6\u0399\u0391\u03a3'],
    ['decomposed accent', 'jose\u0301', 'Jos\u00e9'],
    ['katakana ka and the kanji for power', '\u30ab\u30c8\u30a6', '\u529b\u30c8\u30a6'],
  ])('%s: %s and %s are one name', (_label, a, b) => {
    expect(foldName(a)).toBe(foldName(b));
  });

  it.each([
    ['accents are letters', 'José', 'Jose'],
    ['different names', 'alice', 'alicia'],
    ['different Chinese names', '张伟', '张玮'],
    ['simplified and traditional are not look-alikes', '张伟', '張偉'],
    ['different Korean names', '김민준', '김민수'],
    ['different digits', 'bob1', 'bob2'],
  ])('%s: %s and %s stay apart', (_label, a, b) => {
    expect(foldName(a)).not.toBe(foldName(b));
  });

  it('settles every character within MAX_ROUNDS (so the key is idempotent)', () => {
    const unsettled: string[] = [];
    // Planes 0-3 and 14; planes 4-13 are unassigned, 15-16 private use (refused, and mapped by nothing).
    for (let cp = 0; cp <= 0xeffff; cp++) {
      if (cp === 0xd800) cp = 0xe000; // surrogates are not characters
      if (cp === 0x40000) cp = 0xe0000;
      const key = skeleton(String.fromCodePoint(cp));
      if (skeleton(key) !== key) unsettled.push(cp.toString(16));
    }
    expect(MAX_ROUNDS).toBeGreaterThan(1);
    expect(unsettled).toEqual([]);
  });
});

describe('names of people in many scripts still enter, each as itself', () => {
  const PEOPLE = [
    '张伟', '王芳', '李娜', '張偉', // Chinese, simplified and traditional
    '佐藤', 'さくら', 'ハルト', '山田太郎', // Japanese: kanji, hiragana, katakana
    '김민준', '이서연', // Korean
    'محمد', 'فاطمة', 'علی', // Arabic, Persian
    'प्रिया', 'राहुल', // Hindi (Devanagari with vowel signs and virama)
    'தமிழ்', 'สมชาย', 'עדן', // Tamil, Thai, Hebrew
    'Дмитрий', 'Ελένη', 'Ժաննա', 'ნინო', // Cyrillic, Greek, Armenian, Georgian
    'José', 'Zoë', 'Łukasz', 'Ðorđe', 'Þóra', 'Ngọc', 'Søren', 'Çağrı', // accented Latin
    'alice', 'Bob_2', 'x|y', '😀',
  ];

  it('accepts each, keeps it as typed (NFC), and lets all of them be in the room together', () => {
    const room = new Chat({ flood: null });
    for (const name of PEOPLE) {
      const member = room.enter(name, 'test');
      expect(member.name, name).toBe(name.normalize('NFC'));
    }
    expect(room.size).toBe(PEOPLE.length);
  });

  it('gives no two of them one key', () => {
    const keys = new Map<string, string>();
    for (const name of PEOPLE) {
      const key = foldName(name);
      expect(keys.get(key), `${name} and ${keys.get(key)}`).toBeUndefined();
      keys.set(key, name);
    }
  });
});

describe('invisible and unknowable characters', () => {
  it.each([
    ['U+115F Hangul choseong filler', '\u115f'],
    ['U+1160 Hangul jungseong filler', '\u1160'],
    ['U+FFA0 halfwidth Hangul filler', '\uffa0'],
    ['U+180E Mongolian vowel separator', '\u180e'],
    ['U+17B4 Khmer vowel inherent', '\u17b4'],
    ['U+FE00 variation selector 1', '\ufe00'],
    ['U+E0100 variation selector 17', '\u{e0100}'],
    ['U+E0041 tag letter A', '\u{e0041}'],
    ['U+1D173 musical begin beam', '\u{1d173}'],
    ['U+16FE4 Khitan filler', '\u{16fe4}'],
    ['U+1D159 null notehead', '\u{1d159}'],
    ['U+E000 private use', '\ue000'],
    ['U+0378 unassigned', '\u0378'],
    ['a lone surrogate', '\ud800'],
  ])('refuses %s inside, at the end and alone', (_label, char) => {
    for (const name of [`al${char}ice`, `alice${char}`, char]) {
      expect(() => checkName(name), JSON.stringify(name)).toThrow(expect.objectContaining({ code: 'BAD_NAME' }));
    }
  });

  it('refuses a leading combining mark, accepts one after a letter', () => {
    expect(() => checkName('\u0301alice')).toThrow(expect.objectContaining({ code: 'BAD_NAME' }));
    expect(checkName('alice\u0301')).toBe('alic\u00e9');
  });
});

describe('reserved names in disguise', () => {
  it.each([
    'Admin', 'ADMIN', 'ＡＤＭＩＮ', '[admin]', '(admin)', '<admin>', '_admin_', 'a.d.m.i.n', '~admin~', 'admin™', '★admin★', 'ⓐⓓⓜⓘⓝ',
    'ádmin', 'adrnin', '\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}',
    'ｓｅｒｖｅｒ', 'sеrvеr', '[server]', 'ｓｙｓｔｅｍ', 'Ѕуѕtеm', 'ｎｅｔｒｏｏｍ', 'n3troom'.replace('3', 'е'), 'NetRoom',
    '管理员', '管理員', '[管理员]', '【管理員】',
  ])('refuses %s', (name) => {
    expect(isReservedName(name)).toBe(true);
    expect(() => checkName(name)).toThrow(expect.objectContaining({ code: 'RESERVED_NAME' }));
  });

  it.each(['admins', 'the_admin', 'admin2', '管理员2', 'servers', 'netroomer', 'sys', '管理', 'adm1n'])('allows %s', (name) => {
    expect(isReservedName(name)).toBe(false);
    expect(checkName(name)).toBe(name);
  });

  it('lists 管理員 beside 管理员: confusables.txt does not relate the two forms', () => {
    expect(foldName('管理員')).not.toBe(foldName('管理员'));
    expect(RESERVED_WORDS).toEqual(expect.arrayContaining(['管理员', '管理員']));
  });
});
