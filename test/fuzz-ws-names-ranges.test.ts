// Property-based fuzzing of WebSocket client messages, member names, and the HTTP Range / Content-Range parsers.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkName, foldName, MAX_NAME_LENGTH } from '../src/core/names.js';
import { parseContentRange, parseCount, parseRange } from '../src/doors/http/ranges.js';
import { decodeClientMessage, MAX_TOKEN_LENGTH } from '../src/doors/ws/codec.js';
import type { ClientMessage } from '../src/doors/ws/messages.js';
import { anyText, check, outcome, protocolBytes } from './helpers/fuzz.js';

describe('WebSocket client messages (decodeClientMessage)', () => {
  const frame = fc.oneof(
    anyText(80).map((s) => Buffer.from(s)),
    protocolBytes(80),
    fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s)),
    fc
      .record({ type: fc.constantFrom('enter', 'say', 'who', 'leave', 'ENTER', '', 'hello'), name: fc.anything(), text: fc.anything(), resume: fc.anything() }, { requiredKeys: [] })
      .map((o) => Buffer.from(JSON.stringify(o) ?? 'null')),
  );

  test('never throws, for text or binary frames, whole or fragmented; a refusal is a BAD_REQUEST', () => {
    check(
      fc.property(frame, fc.boolean(), fc.nat(), (bytes, isBinary, at) => {
        const split = at % (bytes.length + 1);
        for (const data of [bytes, [bytes.subarray(0, split), bytes.subarray(split)], new Uint8Array(bytes).buffer]) {
          const result = decodeClientMessage(data, isBinary);
          if (isBinary) expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).toBe('BAD_REQUEST');
        }
      }),
      1000,
    );
  });

  test('an accepted message has exactly the fields of its type, with the right types (nothing extra passes through)', () => {
    check(
      fc.property(frame, (bytes) => {
        const result = decodeClientMessage(bytes, false);
        if (!result.ok) return;
        const m = result.message as unknown as Record<string, unknown>;
        const keys = Object.keys(m).sort();
        switch (result.message.type) {
          case 'enter': {
            // `name` may be absent: a connection signed in at the upgrade enters under its account.
            if (m.name !== undefined) expect(typeof m.name).toBe('string');
            const named = m.name === undefined ? [] : ['name'];
            expect(keys).toEqual(m.resume === undefined ? [...named, 'type'] : [...named, 'resume', 'type']);
            if (m.resume !== undefined) expect((m.resume as string).length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
            break;
          }
          case 'say':
            expect(typeof m.text).toBe('string');
            expect(keys).toEqual(['text', 'type']);
            break;
          default:
            expect(keys).toEqual(['type']);
        }
      }),
      1000,
    );
  });

  test('JSON.stringify of a valid message then decodeClientMessage is the identity', () => {
    const message: fc.Arbitrary<ClientMessage> = fc.oneof(
      fc.record({ type: fc.constant('enter' as const), name: anyText(40) }),
      fc.record({ type: fc.constant('enter' as const), name: anyText(40), resume: anyText(MAX_TOKEN_LENGTH / 2) }),
      fc.record({ type: fc.constant('say' as const), text: anyText(300) }),
      fc.record({ type: fc.constantFrom('who' as const, 'leave' as const) }),
    );
    check(
      fc.property(message, (m) => {
        expect(decodeClientMessage(Buffer.from(JSON.stringify(m)), false)).toEqual({ ok: true, message: m });
      }),
      1000,
    );
  });
});

describe('member names (SPEC section 1): the exported API only', () => {
  const nameLike = fc.oneof(
    anyText(40),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('alice', 'ａｌｉｃｅ', 'аdmin', '[admin]', 'ＡＤＭＩＮ', 'admin\u3164', 'bob\u200b', 'x\u034f', 'İstanbul', 'ß', 'ΣΑΣ', '0O', 'ﬁx'),
  );

  test('checkName throws nothing but NetroomError, for strings and any other value', () => {
    check(
      fc.property(fc.oneof(nameLike, fc.anything()), (value) => {
        const result = outcome(() => checkName(value as string));
        if (!result.ok) expect(['BAD_NAME', 'RESERVED_NAME']).toContain(result.error.code);
      }),
      1000,
    );
  });

  test('checkName and foldName are deterministic and idempotent; an accepted name is short and has no space or control character', () => {
    check(
      fc.property(nameLike, (raw) => {
        const first = outcome(() => checkName(raw));
        const again = outcome(() => checkName(raw));
        expect(again.ok ? again.value : again.error.code).toEqual(first.ok ? first.value : first.error.code);
        expect(foldName(raw)).toBe(foldName(raw));
        expect(foldName(foldName(raw))).toBe(foldName(raw));
        if (!first.ok) return;
        const name = first.value;
        expect(checkName(name)).toBe(name);
        expect(foldName(name)).toBe(foldName(raw));
        expect([...name].length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(/[\p{White_Space}\p{Cc}]/u.test(name)).toBe(false);
      }),
      1000,
    );
  });
});

describe('HTTP Range (RFC 9110 14.2) and Content-Range of uploads (RFC 9110 14.4)', () => {
  const size = fc.oneof(fc.nat(5000), fc.constant(0), fc.maxSafeNat());
  const num = fc.oneof(fc.nat(6000).map(String), fc.constantFrom('', '0', '00', '-1', '1e3', '9007199254740993', '99999999999999999', ' 5', '0x10'));
  const rangeHeader = fc.oneof(
    anyText(40),
    fc
      .tuple(fc.constantFrom('bytes', 'BYTES', 'items', 'bytes '), fc.array(fc.tuple(num, fc.constantFrom('-', '--', ''), num), { minLength: 1, maxLength: 3 }))
      .map(([unit, specs]) => `${unit}=${specs.map(([a, d, b]) => `${a}${d}${b}`).join(',')}`),
  );

  test('parseRange throws only BAD_REQUEST; a partial answer is always inside the file', () => {
    check(
      fc.property(rangeHeader, size, (header, n) => {
        const result = outcome(() => parseRange(header, n));
        if (!result.ok) {
          expect(result.error.code).toBe('BAD_REQUEST');
          return;
        }
        const answer = result.value;
        if (answer.kind !== 'partial') return;
        expect(Number.isSafeInteger(answer.range.start) && Number.isSafeInteger(answer.range.end)).toBe(true);
        expect(answer.range.start).toBeGreaterThanOrEqual(0);
        expect(answer.range.start).toBeLessThanOrEqual(answer.range.end);
        expect(answer.range.end).toBeLessThan(n);
      }),
      1000,
    );
  });

  test('bytes=a-b, bytes=a- and bytes=-n mean what RFC 9110 14.1.2 says', () => {
    check(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), fc.constantFrom('a-b', 'a-', '-n'), (a, b, n, form) => {
        const header = form === 'a-b' ? `bytes=${a}-${a + b}` : form === 'a-' ? `bytes=${a}-` : `bytes=-${b}`;
        const answer = parseRange(header, n);
        if (form === '-n') {
          const expected = b === 0 || n === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', range: { start: Math.max(0, n - b), end: n - 1 } };
          expect(answer).toEqual(expected);
          return;
        }
        if (a >= n) {
          expect(answer.kind).toBe('unsatisfiable');
          return;
        }
        const end = form === 'a-' ? n - 1 : Math.min(a + b, n - 1);
        expect(answer).toEqual({ kind: 'partial', range: { start: a, end } });
      }),
      1000,
    );
  });

  test('parseContentRange throws only BAD_REQUEST; what it accepts has START <= END < TOTAL, safe integers; it round-trips', () => {
    const header = fc.oneof(
      anyText(40),
      fc.tuple(fc.constantFrom('bytes ', 'bytes  ', 'bytes=', 'BYTES ', ''), num, num, num).map(([u, a, b, t]) => `${u}${a}-${b}/${t}`),
    );
    check(
      fc.property(header, (h) => {
        const result = outcome(() => parseContentRange(h));
        if (!result.ok) {
          expect(result.error.code).toBe('BAD_REQUEST');
          return;
        }
        const { start, end, total } = result.value;
        expect([start, end, total].every(Number.isSafeInteger)).toBe(true);
        expect(start <= end && end < total).toBe(true);
        expect(parseContentRange(`bytes ${start}-${end}/${total}`)).toEqual(result.value);
      }),
      1000,
    );
    check(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), fc.maxSafeNat(), (a, b, c) => {
        const [start, end, total] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
        const result = outcome(() => parseContentRange(`bytes ${start}-${end}/${total}`));
        const valid = end < total && String(total).length <= 16;
        expect(result.ok).toBe(valid);
        if (result.ok) expect(result.value).toEqual({ start, end, total });
      }),
      500,
    );
  });

  test('parseCount (Content-Length) accepts only whole numbers of bytes that are safe integers', () => {
    check(
      fc.property(fc.oneof(num, anyText(20)), (value) => {
        const result = outcome(() => parseCount(value, 'Content-Length'));
        if (!result.ok) {
          expect(result.error.code).toBe('BAD_REQUEST');
          return;
        }
        expect(Number.isSafeInteger(result.value) && result.value >= 0).toBe(true);
      }),
      1000,
    );
  });
});
