// Property-based tests of name validation and skeleton keys (issue 10 item 8): fast-check, bounded runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetroomError } from '../src/core/errors.js';
import { RESERVED_WORDS, checkName, foldName } from '../src/core/names.js';
import { Chat } from '../src/core/chat/chat.js';

/** Runs per property: bounded for `npm test` (about a second in all); FUZZ_SCALE=N runs N times as many. */
const RUNS = Math.max(1, Math.round(500 * (Number(process.env.FUZZ_SCALE ?? '1') || 1)));

/** Any text, astral and control characters included (fast-check's binary unit: no lone surrogates). */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

/** Text biased to where look-alikes live: ASCII, Latin-1 and accents, Greek, Cyrillic, fullwidth, math letters, CJK. */
const lookalikeText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x21, max: 0x7e }),
    fc.integer({ min: 0xa0, max: 0x24f }),
    fc.integer({ min: 0x300, max: 0x36f }),
    fc.integer({ min: 0x370, max: 0x52f }),
    fc.integer({ min: 0x1e00, max: 0x1fff }),
    fc.integer({ min: 0x2100, max: 0x24ff }),
    fc.integer({ min: 0x3000, max: 0x30ff }),
    fc.integer({ min: 0xff00, max: 0xffef }),
    fc.integer({ min: 0x1d400, max: 0x1d7ff }),
  ).map((cp) => String.fromCodePoint(cp)),
  maxLength: 32,
});

/** Names people type: ASCII letters, digits and a little punctuation, not starting with what IRC reserves. */
const asciiName = fc
  .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]|'), minLength: 1, maxLength: 32 });

/** The fullwidth form of printable ASCII (U+FF01-FF5E), the disguise of the attack run. */
function fullwidth(s: string): string {
  return s.replace(/[!-~]/gu, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0));
}

/** Latin letters and a Cyrillic or Greek letter drawn the same (confusables.txt maps each to the Latin one). */
const LOOKALIKE: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430', '\u03b1'],
  c: ['\u0441'],
  e: ['\u0435'],
  i: ['\u0456', '\u03b9'],
  j: ['\u0458'],
  o: ['\u043e', '\u03bf'],
  p: ['\u0440', '\u03c1'],
  s: ['\u0455'],
  x: ['\u0445'],
  y: ['\u0443', '\u03b3'],
};

/** Characters that draw as nothing: one inserted anywhere makes a name BAD_NAME. */
const INVISIBLES = ['\u3164', '\u2800', '\u034f', '\ufe0f', '\ufe00', '\u200b', '\u200d', '\u2060', '\u115f', '\uffa0', '\u{e0041}', '\u{e0100}', '\u00ad'];

/** The outcome of checkName: the accepted name, or the error code (anything else thrown fails the property). */
function outcome(raw: string): string {
  try {
    return `ok:${checkName(raw)}`;
  } catch (err) {
    if (!(err instanceof NetroomError)) throw err;
    return err.code;
  }
}

describe('skeleton keys (property-based)', () => {
  it('foldName is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, lookalikeText), (s) => foldName(foldName(s)) === foldName(s)),
      { numRuns: RUNS },
    );
  });

  it('foldName is the same for a name in NFC, NFD, NFKC and NFKD', () => {
    fc.assert(
      fc.property(lookalikeText, (s) => {
        const key = foldName(s);
        for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const) expect(foldName(s.normalize(form))).toBe(key);
      }),
      { numRuns: RUNS },
    );
  });

  it('a name, its upper case, its lower case and its fullwidth form have one key', () => {
    fc.assert(
      fc.property(asciiName, (name) => {
        const key = foldName(name);
        expect(foldName(name.toUpperCase())).toBe(key);
        expect(foldName(name.toLowerCase())).toBe(key);
        expect(foldName(fullwidth(name))).toBe(key);
        expect(foldName(fullwidth(name.toUpperCase()))).toBe(key);
      }),
      { numRuns: RUNS },
    );
  });

  it('swapping Latin letters for Cyrillic or Greek look-alikes keeps the key', () => {
    const letters = fc.string({ unit: fc.constantFrom(...'acceijoopsxy0123_'), minLength: 1, maxLength: 32 });
    fc.assert(
      fc.property(letters, fc.infiniteStream(fc.nat()), (name, picks) => {
        const disguised = [...name].map((c) => {
          const options = LOOKALIKE[c];
          const pick = picks.next().value as number;
          return options && pick % 3 !== 0 ? (options[pick % options.length] ?? c) : c;
        });
        expect(foldName(disguised.join(''))).toBe(foldName(name));
      }),
      { numRuns: RUNS },
    );
  });

  it('checkName only ever throws NetroomError, and an accepted name is its own NFC with the same key', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, lookalikeText), (raw) => {
        const result = outcome(raw);
        if (result.startsWith('ok:')) {
          const name = result.slice(3);
          expect(name).toBe(raw.normalize('NFC'));
          expect(foldName(name)).toBe(foldName(raw));
          expect(outcome(name)).toBe(result);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the chat (property-based)', () => {
  it('holds one of a name and any of its case, width and look-alike variants', () => {
    const variant = fc.constantFrom<(s: string) => string>(
      (s) => s.toUpperCase(),
      (s) => fullwidth(s),
      (s) => fullwidth(s.toUpperCase()),
      (s) => s.replaceAll('a', '\u0430').replaceAll('e', '\u0435').replaceAll('o', '\u043e'),
      (s) => s.replaceAll('l', '1').replaceAll('o', '0'),
    );
    fc.assert(
      fc.property(asciiName, variant, (name, disguise) => {
        const room = new Chat({ flood: null });
        if (!outcome(name).startsWith('ok:')) return; // reserved or IRC-prefixed: other tests
        room.enter(name, 'ws');
        const other = disguise(name);
        let code = 'entered';
        try {
          room.enter(other, 'irc');
        } catch (err) {
          code = (err as NetroomError).code;
        }
        expect(code, `${name} then ${other}`).toBe('NAME_TAKEN');
        expect(room.size).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses an invisible character anywhere in a name that is otherwise fine', () => {
    fc.assert(
      fc.property(asciiName, fc.constantFrom(...INVISIBLES), fc.nat(), (name, invisible, at) => {
        if (!outcome(name).startsWith('ok:')) return;
        const chars = [...name];
        const cut = at % (chars.length + 1);
        const disguised = [...chars.slice(0, cut), invisible, ...chars.slice(cut)].join('');
        expect(outcome(disguised), JSON.stringify(disguised)).toBe('BAD_NAME');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a reserved word in any mix of case, width, look-alikes and brackets', () => {
    const wrap = fc.constantFrom(['', ''], ['[', ']'], ['(', ')'], ['_', '_'], ['<', '>'], ['【', '】'], ['.', '']);
    fc.assert(
      fc.property(fc.constantFrom(...RESERVED_WORDS), fc.infiniteStream(fc.nat()), wrap, (word, picks, [open, close]) => {
        const disguised = [...word]
          .map((c) => {
            const pick = picks.next().value as number;
            switch (pick % 4) {
              case 0:
                return c.toUpperCase();
              case 1:
                return fullwidth(c);
              case 2:
                return LOOKALIKE[c]?.[0] ?? c;
              default:
                return c;
            }
          })
          .join('');
        expect(outcome(`${open}${disguised}${close}`), disguised).toBe('RESERVED_NAME');
      }),
      { numRuns: RUNS },
    );
  });
});
