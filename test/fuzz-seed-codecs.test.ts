// Property-based fuzzing of the seed protocols' pure codecs: UDP chat datagrams and the TCP file protocol.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isUtf8 } from 'node:buffer';
import { decodeRequest, encodeNotice, encodeReply, encodeRequest, splitUtf8, type UdpRequest } from '../src/doors/udp/codec.js';
import {
  END_MARKER,
  EndMarkerDecoder,
  checkSeedName,
  decodeList,
  encodeList,
  isListable,
  nextCommand,
  parseCommand,
} from '../src/doors/seedfiles/codec.js';
import { anyText, check, cut, cuts, outcome, protocolBytes } from './helpers/fuzz.js';

/** Text that survives the wire unchanged: no trailing line end (one is dropped, as `nc -u` sends it). */
const wireText = (max: number): fc.Arbitrary<string> => anyText(max).filter((s) => !s.endsWith('\n'));
const wordName = anyText(20).filter((s) => !s.includes(' ') && !s.endsWith('\n'));

describe('UDP chat codec (SPEC 3.1)', () => {
  test('decodeRequest never throws: any datagram is a request or a BAD_REQUEST', () => {
    check(
      fc.property(fc.oneof(protocolBytes(64), fc.uint8Array({ maxLength: 1100 }).map((a) => Buffer.from(a))), (buf) => {
        const result = decodeRequest(buf);
        if (!result.ok) expect(result.error.code).toBe('BAD_REQUEST');
        else expect(['L', 'C', 'Q', 'H', 'M']).toContain(result.request.kind);
      }),
      1000,
    );
  });

  test('encodeRequest then decodeRequest is the identity', () => {
    const request: fc.Arbitrary<UdpRequest> = fc.oneof(
      fc.record({ kind: fc.constantFrom('L' as const, 'Q' as const, 'H' as const), name: wireText(40) }),
      fc.record({ kind: fc.constant('C' as const), name: wordName, text: wireText(200) }),
      fc.record({ kind: fc.constant('M' as const), name: wordName, to: wordName.filter((s) => s !== ''), text: wireText(200) }),
    );
    check(
      fc.property(request, (req) => {
        const decoded = decodeRequest(encodeRequest(req));
        expect(decoded).toEqual({ ok: true, request: req });
      }),
      1000,
    );
  });

  test('splitUtf8 and encodeNotice: parts within the limit, valid UTF-8 each, joined back exactly', () => {
    check(
      fc.property(anyText(600), fc.integer({ min: 4, max: 1024 }), (text, max) => {
        const parts = encodeNotice(text, max);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(isUtf8(p)).toBe(true);
        }
        expect(Buffer.concat(parts).toString('utf8')).toBe('\n' + text);
        expect(splitUtf8(Buffer.from(text), max).every((p) => p.length <= max)).toBe(true);
      }),
      500,
    );
  });

  test('encodeReply: one datagram within the limit, a prefix of the text at a character boundary', () => {
    check(
      fc.property(anyText(1200), fc.integer({ min: 4, max: 1024 }), (text, max) => {
        const reply = encodeReply(text, max);
        expect(reply.length).toBeLessThanOrEqual(max);
        expect(isUtf8(reply)).toBe(true);
        expect(text.startsWith(reply.toString('utf8'))).toBe(true);
      }),
      500,
    );
  });
});

describe('seed file protocol codec (seed 003)', () => {
  test('nextCommand and parseCommand never throw; an unknown command is a BAD_REQUEST', () => {
    check(
      fc.property(protocolBytes(200), (chunk) => {
        let rest: Buffer | null = chunk;
        for (let i = 0; rest !== null && i < 300; i++) {
          const next = nextCommand(rest);
          expect(next.line.length).toBeLessThanOrEqual(rest.length);
          const command = parseCommand(next.line);
          if (command.kind === 'unknown') expect(command.error.code).toBe('BAD_REQUEST');
          if (command.kind === 'get' || command.kind === 'put') outcome(() => checkSeedName(command.name));
          rest = next.rest;
        }
        expect(rest).toBeNull();
      }),
      1000,
    );
  });

  test('VERB NAME lines parse back to the verb and the trimmed name, in any case and with CR LF or LF', () => {
    const verb = fc.constantFrom(['G', 'get'], ['GET', 'get'], ['g', 'get'], ['P', 'put'], ['put', 'put'], ['PuT', 'put']);
    const name = anyText(60).filter((s) => s.trim() !== '' && !/[\r\n]/u.test(s)).map((s) => s.trim());
    check(
      fc.property(verb, name, fc.constantFrom('', '\n', '\r\n'), ([word, kind], n, end) => {
        const { line } = nextCommand(Buffer.from(`${word} ${n}${end}`));
        expect(parseCommand(line)).toEqual({ kind, name: n });
      }),
      500,
    );
  });

  test('checkSeedName throws only NetroomError and never accepts a folder, .., hidden, NUL, backslash or control character', () => {
    const evil = fc.constantFrom('..', '.', '/', '\\', '\0', '.hidden', '%2e%2e', 'a/b', '\n', '\u007f', 'C:', '../x', 'x/..');
    const name = fc.oneof(anyText(30), fc.array(fc.oneof(evil, anyText(4)), { maxLength: 6 }).map((a) => a.join('')));
    check(
      fc.property(name, (n) => {
        const result = outcome(() => checkSeedName(n));
        if (!result.ok) return;
        const v = result.value;
        expect(v).not.toBe('');
        expect(v.includes('/') || v.includes('\\') || v.includes('\0') || v.startsWith('.')).toBe(false);
        // eslint-disable-next-line no-control-regex -- the property is about control characters
        expect(/[\u0000-\u001f\u007f]/u.test(v)).toBe(false);
        expect(checkSeedName(v)).toBe(v);
      }),
      1000,
    );
  });

  test('encodeList then decodeList gives the listable names that fit, in order, within the cap', () => {
    const names = fc.array(anyText(20).filter((s) => s !== '' && isListable(s)), { maxLength: 40 });
    check(
      fc.property(names, fc.integer({ min: 0, max: 4096 }), (list, cap) => {
        const encoded = encodeList(list, cap);
        expect(encoded.bytes.length).toBeLessThanOrEqual(cap);
        expect(encoded.truncated).toBe(encoded.included < list.length);
        expect(decodeList(encoded.bytes)).toEqual(list.slice(0, encoded.included));
      }),
      500,
    );
  });

  test('EndMarkerDecoder: any chunking of the file bytes, then ## after a pause, gives the file back exactly', () => {
    check(
      fc.property(protocolBytes(300), cuts, fc.boolean(), (data, positions, lineMarkers) => {
        const decoder = new EndMarkerDecoder(0, { gapMs: 50, quietMs: 1000, lineMarkers });
        const out: Buffer[] = [];
        // Every data chunk comes within the gap of the previous one: one burst of data.
        for (const chunk of cut(data, positions)) {
          const r = decoder.push(chunk, 0);
          expect(r.ended).toBe(false);
          out.push(...r.data);
        }
        const end = decoder.push(END_MARKER, 100);
        expect(end.ended).toBe(true);
        out.push(...end.data);
        expect(Buffer.concat(out).equals(data)).toBe(true);
      }),
      1000,
    );
  });

  test('EndMarkerDecoder: the marker coalesced with the data, cut anywhere, ends the file at end of stream', () => {
    check(
      fc.property(protocolBytes(300), cuts, (data, positions) => {
        const decoder = new EndMarkerDecoder(0);
        const out: Buffer[] = [];
        for (const chunk of cut(Buffer.concat([data, END_MARKER]), positions)) out.push(...decoder.push(chunk, 0).data);
        expect(decoder.tailIsMarker).toBe(true);
        const end = decoder.finish();
        expect(end.ended).toBe(true);
        out.push(...end.data);
        expect(Buffer.concat(out).equals(data)).toBe(true);
      }),
      1000,
    );
  });
});
