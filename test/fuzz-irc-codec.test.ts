// Property-based fuzzing of the IRC wire codec: line splitting, message parsing, serialising, tags, text splitting.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  LineDecoder,
  OVERLONG,
  checkLineLength,
  escapeTagValue,
  fitLine,
  parseLine,
  serialize,
  splitText,
  unescapeTagValue,
  type DecodedLine,
  type IrcMessage,
} from '../src/doors/irc/codec.js';
import { anyText, check, cut, cuts, protocolBytes } from './helpers/fuzz.js';

function shown(lines: DecodedLine[]): string[] {
  return lines.map((l) => (l === OVERLONG ? '<overlong>' : l.toString('latin1')));
}

/** Characters that cannot be inside a middle parameter or a source (RFC 2812 2.3.1). */
const noBreakers = (s: string): boolean => !/[\0\r\n]/u.test(s);
const middleParam = anyText(12).filter((s) => s !== '' && noBreakers(s) && !s.includes(' ') && !s.startsWith(':'));
const trailingParam = anyText(40).filter(noBreakers);
const tagKey = fc.stringMatching(/^\+?[A-Za-z0-9][A-Za-z0-9./-]{0,10}$/u).filter((k) => k !== '__proto__');

const message: fc.Arbitrary<IrcMessage> = fc
  .record(
    {
      tags: fc.dictionary(tagKey, anyText(20), { maxKeys: 4, minKeys: 1 }),
      source: anyText(20).filter((s) => s !== '' && noBreakers(s) && !s.includes(' ')),
      command: fc.oneof(fc.stringMatching(/^[A-Z]{1,10}$/u), fc.stringMatching(/^\d{3}$/u)),
      middles: fc.array(middleParam, { maxLength: 5 }),
      last: fc.option(trailingParam, { nil: undefined }),
    },
    { requiredKeys: ['command', 'middles'] },
  )
  .map(({ tags, source, command, middles, last }) => {
    const params = last === undefined ? middles : [...middles, last];
    return { ...(tags ? { tags: { ...tags } } : {}), ...(source !== undefined ? { source } : {}), command, params };
  });

describe('IRC LineDecoder (RFC 2812 2.3.1)', () => {
  test('any chunking of a byte stream gives the same lines, overlong ones included', () => {
    check(
      fc.property(protocolBytes(400), cuts, fc.integer({ min: 1, max: 64 }), (bytes, positions, max) => {
        const whole = shown(new LineDecoder(max).push(bytes));
        const decoder = new LineDecoder(max);
        const pieces = cut(bytes, positions).flatMap((c) => shown(decoder.push(c)));
        expect(pieces).toEqual(whole);
        expect(decoder.pending).toBeLessThanOrEqual(max);
      }),
      1000,
    );
  });

  test('no line it yields holds a CR or LF, none is empty, none is longer than the limit', () => {
    check(
      fc.property(protocolBytes(400), fc.integer({ min: 1, max: 64 }), (bytes, max) => {
        for (const line of new LineDecoder(max).push(bytes)) {
          if (line === OVERLONG) continue;
          expect(line.length).toBeGreaterThan(0);
          expect(line.length).toBeLessThanOrEqual(max);
          expect(line.includes(0x0a) || line.includes(0x0d)).toBe(false);
        }
      }),
      1000,
    );
  });
});

describe('IRC message parsing and serialising (IRCv3 message format)', () => {
  test('parseLine and checkLineLength never throw; a parsed command is non-empty, upper case, without spaces', () => {
    check(
      fc.property(fc.oneof(anyText(200), protocolBytes(200).map((b) => b.toString('latin1'))), (line) => {
        checkLineLength(Buffer.from(line));
        const msg = parseLine(line);
        if (msg === null) return;
        expect(msg.command).not.toBe('');
        expect(msg.command.includes(' ')).toBe(false);
        expect(msg.command).toBe(msg.command.toUpperCase());
      }),
      1000,
    );
  });

  test('serialize then parseLine is the identity for well-formed messages', () => {
    check(
      fc.property(message, (msg) => {
        expect(parseLine(serialize(msg))).toEqual(msg);
      }),
      1000,
    );
  });

  test('serialize never lets a CR, LF or NUL out, whatever the parameters hold', () => {
    check(
      fc.property(fc.array(anyText(20), { maxLength: 6 }), anyText(10), (params, source) => {
        const line = serialize({ source, command: 'PRIVMSG', params });
        expect(/[\0\r\n]/u.test(line.slice(source.length + 1))).toBe(false);
        const parsed = parseLine(line);
        if (params.length > 0 && !/[\s]/u.test(source) && source !== '') expect(parsed?.params.length).toBe(params.length);
      }),
      1000,
    );
  });

  test('tag values: escape then unescape is the identity', () => {
    check(
      fc.property(anyText(60), (value) => {
        const escaped = escapeTagValue(value);
        expect(/[; \r\n]/u.test(escaped)).toBe(false);
        expect(unescapeTagValue(escaped)).toBe(value);
      }),
      1000,
    );
  });

  test('fitLine: at most 512 bytes, ends in CR LF, a prefix of the line', () => {
    check(
      fc.property(anyText(700), (text) => {
        const line = text.replace(/[\r\n]/gu, '');
        const buf = fitLine(line);
        expect(buf.length).toBeLessThanOrEqual(512);
        expect(buf.subarray(-2).toString()).toBe('\r\n');
        expect(line.startsWith(buf.subarray(0, -2).toString('utf8'))).toBe(true);
      }),
      500,
    );
  });

  test('splitText: pieces fit, none is empty, and together they are the text without its line breaks', () => {
    check(
      fc.property(anyText(800), fc.integer({ min: 4, max: 400 }), (text, max) => {
        const pieces = splitText(text, max);
        for (const p of pieces) {
          expect(p).not.toBe('');
          expect(Buffer.byteLength(p)).toBeLessThanOrEqual(max);
        }
        expect(pieces.join('')).toBe(text.replaceAll('\n', ''));
      }),
      500,
    );
  });
});
