// Unit tests of the member name rules of SPEC section 1 (src/core/names.ts).
import { describe, expect, it } from 'vitest';
import { NetroomError, type ErrorCode } from '../src/core/errors.js';
import { MAX_NAME_LENGTH, checkName, foldName } from '../src/core/names.js';

/** The code checkName throws for `name`, or undefined when it is accepted. */
function codeOf(name: string): ErrorCode | undefined {
  try {
    checkName(name);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(NetroomError);
    return (err as NetroomError).code;
  }
}

const COMPOSED = 'caf\u00e9'; // é as one code point
const DECOMPOSED = 'cafe\u0301'; // e + combining acute accent

describe('checkName: normalisation', () => {
  it('returns the name in NFC', () => {
    expect(checkName(DECOMPOSED)).toBe(COMPOSED);
    expect(checkName(COMPOSED)).toBe(COMPOSED);
  });

  it('folds composed and decomposed é to the same key', () => {
    expect(foldName(DECOMPOSED)).toBe(foldName(COMPOSED));
    expect(foldName('CAFE\u0301')).toBe(foldName(COMPOSED));
  });

  it('counts the length after NFC, so a decomposed 32-character name is accepted', () => {
    // 31 letters + e + combining accent = 33 code points before NFC, 32 after.
    const name = 'a'.repeat(31) + 'e\u0301';
    expect([...name]).toHaveLength(33);
    expect([...checkName(name)]).toHaveLength(32);
  });
});

describe('checkName: length', () => {
  it('refuses the empty name', () => {
    expect(codeOf('')).toBe('BAD_NAME');
  });

  it('accepts one character and 32 characters', () => {
    expect(MAX_NAME_LENGTH).toBe(32);
    expect(codeOf('a')).toBeUndefined();
    expect(codeOf('a'.repeat(32))).toBeUndefined();
    expect(codeOf('a'.repeat(33))).toBe('BAD_NAME');
  });

  it('counts code points: 32 Chinese characters are accepted, 33 refused', () => {
    expect(codeOf('张'.repeat(32))).toBeUndefined();
    expect(codeOf('张'.repeat(33))).toBe('BAD_NAME');
  });

  it('counts an emoji (two UTF-16 units) as one character', () => {
    expect('😀'.length).toBe(2);
    expect(codeOf('😀')).toBeUndefined();
    expect(codeOf('😀'.repeat(32))).toBeUndefined();
    expect(codeOf('😀'.repeat(33))).toBe('BAD_NAME');
    expect(codeOf('a'.repeat(31) + '😀')).toBeUndefined();
  });
});

describe('checkName: forbidden characters', () => {
  it.each([
    ['space', 'a b'],
    ['leading space', ' ab'],
    ['trailing space', 'ab '],
    ['tab', 'a\tb'],
    ['newline', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['NBSP', 'a\u00a0b'],
    ['ideographic space', '张\u3000三'],
    ['en quad', 'a\u2000b'],
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
  ])('refuses whitespace: %s', (_label, name) => {
    expect(codeOf(name)).toBe('BAD_NAME');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['bell', 'a\u0007b'],
    ['escape', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['C1 CSI', 'a\u009bb'],
  ])('refuses control characters: %s', (_label, name) => {
    expect(codeOf(name)).toBe('BAD_NAME');
  });

  it.each([
    ['zero-width space', 'a\u200bb'],
    ['zero-width non-joiner', 'a\u200cb'],
    ['zero-width joiner', 'a\u200db'],
    ['word joiner', 'a\u2060b'],
    ['byte order mark', '\ufeffab'],
    ['right-to-left override', 'a\u202eb'],
    ['soft hyphen', 'a\u00adb'],
  ])('refuses zero-width and format characters: %s', (_label, name) => {
    expect(codeOf(name)).toBe('BAD_NAME');
  });

  it('refuses a name made only of a zero-width character', () => {
    expect(codeOf('\u200b')).toBe('BAD_NAME');
  });

  for (const ch of ['!', '@', ',', '*', '?', ':']) {
    it(`refuses "${ch}" at the start, inside and at the end`, () => {
      expect(codeOf(`${ch}ab`)).toBe('BAD_NAME');
      expect(codeOf(`a${ch}b`)).toBe('BAD_NAME');
      expect(codeOf(`ab${ch}`)).toBe('BAD_NAME');
      expect(codeOf(ch)).toBe('BAD_NAME');
    });
  }

  for (const ch of ['#', '&', '$', '+', '-']) {
    it(`refuses a leading "${ch}" but allows it inside and at the end`, () => {
      expect(codeOf(`${ch}ab`)).toBe('BAD_NAME');
      expect(codeOf(ch)).toBe('BAD_NAME');
      expect(codeOf(`a${ch}b`)).toBeUndefined();
      expect(codeOf(`ab${ch}`)).toBeUndefined();
    });
  }

  it('accepts ordinary names from several scripts', () => {
    for (const name of ['alice', 'Bob_2', 'a.b', '张三', 'Zoë', 'Ωmega', 'a[b]c', 'x|y', '😀']) {
      expect(codeOf(name), name).toBeUndefined();
    }
  });
});

describe('checkName: reserved names', () => {
  it.each(['admin', 'Admin', 'ADMIN', 'server', 'SERVER', 'Server', 'system', 'SyStEm', 'netroom', 'NetRoom', 'NETROOM', '管理员'])(
    'refuses %s with RESERVED_NAME',
    (name) => {
      expect(codeOf(name)).toBe('RESERVED_NAME');
    },
  );

  it('allows names that only contain a reserved word', () => {
    expect(codeOf('admins')).toBeUndefined();
    expect(codeOf('the_admin')).toBeUndefined();
    expect(codeOf('管理员2')).toBeUndefined();
  });

  it('gives the reserved name in the error params', () => {
    try {
      checkName('Admin');
      expect.unreachable();
    } catch (err) {
      expect((err as NetroomError).params).toEqual({ name: 'Admin' });
    }
  });
});

describe('foldName', () => {
  it('folds case so that names clash case-insensitively', () => {
    expect(foldName('Alice')).toBe(foldName('alice'));
    expect(foldName('ALICE')).toBe('alice');
    expect(foldName('ÉLODIE')).toBe(foldName('élodie'));
    expect(foldName('ΣΟΦΙΑ')).toBe(foldName('σοφια'));
  });

  it('keeps different names apart', () => {
    expect(foldName('alice')).not.toBe(foldName('alicia'));
    expect(foldName('张三')).not.toBe(foldName('张四'));
  });

  it('is idempotent', () => {
    for (const name of ['Alice', DECOMPOSED, '张三', 'İstanbul']) {
      expect(foldName(foldName(name))).toBe(foldName(name));
    }
  });
});
