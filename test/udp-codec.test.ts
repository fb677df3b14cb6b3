// Unit tests of the seed UDP codec: request decoding and UTF-8-safe datagram splitting.
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { decodeRequest, encodeNotice, encodeReply, encodeRequest, splitUtf8, type DecodeResult } from '../src/doors/udp/codec.js';

const decode = (text: string | Buffer): DecodeResult => decodeRequest(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

function badRequest(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.request)}`);
  expect(result.error.code).toBe('BAD_REQUEST');
  return result.error.message;
}

describe('decodeRequest', () => {
  it('decodes L, Q and H with the rest of the datagram as the name', () => {
    expect(decode('L alice')).toEqual({ ok: true, request: { kind: 'L', name: 'alice' } });
    expect(decode('Q 张三')).toEqual({ ok: true, request: { kind: 'Q', name: '张三' } });
    expect(decode('H bob')).toEqual({ ok: true, request: { kind: 'H', name: 'bob' } });
    // Spaces stay in the name so the room can refuse it (BAD_NAME) instead of silently truncating.
    expect(decode('L Zhang San')).toEqual({ ok: true, request: { kind: 'L', name: 'Zhang San' } });
  });

  it('decodes C with the text after the second space, spaces included', () => {
    expect(decode('C alice hello  big world ')).toEqual({ ok: true, request: { kind: 'C', name: 'alice', text: 'hello  big world ' } });
    expect(decode('C 李四 你好 世界')).toEqual({ ok: true, request: { kind: 'C', name: '李四', text: '你好 世界' } });
    expect(decode('C alice ')).toEqual({ ok: true, request: { kind: 'C', name: 'alice', text: '' } });
    expect(decode('C alice')).toEqual({ ok: true, request: { kind: 'C', name: 'alice', text: '' } });
  });

  it('decodes M (our extension): sender, addressee, then the text with its spaces', () => {
    expect(decode('M alice bob hi  there ')).toEqual({ ok: true, request: { kind: 'M', name: 'alice', to: 'bob', text: 'hi  there ' } });
    expect(decode('M 张三 李四 你好\r\n')).toEqual({ ok: true, request: { kind: 'M', name: '张三', to: '李四', text: '你好' } });
    // No text: the chat refuses it as EMPTY_MESSAGE, as it does an empty C.
    expect(decode('M alice bob')).toEqual({ ok: true, request: { kind: 'M', name: 'alice', to: 'bob', text: '' } });
    expect(decode('M alice bob ')).toEqual({ ok: true, request: { kind: 'M', name: 'alice', to: 'bob', text: '' } });
    // No addressee: nothing to look up.
    for (const datagram of ['M', 'M alice', 'M alice ', 'M alice  hi']) expect(badRequest(decode(datagram))).toMatch(/M NAME TO TEXT/);
    expect(encodeRequest({ kind: 'M', name: 'alice', to: 'bob', text: 'hi there' }, 512).toString()).toBe('M alice bob hi there');
  });

  it('leaves empty names to the room and the door', () => {
    expect(decode('L')).toEqual({ ok: true, request: { kind: 'L', name: '' } });
    expect(decode('L ')).toEqual({ ok: true, request: { kind: 'L', name: '' } });
  });

  it('tolerates one trailing \\n or \\r\\n (nc -u)', () => {
    expect(decode('L alice\n')).toEqual({ ok: true, request: { kind: 'L', name: 'alice' } });
    expect(decode('C alice hi there\r\n')).toEqual({ ok: true, request: { kind: 'C', name: 'alice', text: 'hi there' } });
    expect(decode('C alice two\nlines\n')).toEqual({ ok: true, request: { kind: 'C', name: 'alice', text: 'two\nlines' } });
  });

  it('refuses empty, unknown and malformed datagrams with BAD_REQUEST', () => {
    expect(badRequest(decode(''))).toMatch(/empty/);
    expect(badRequest(decode('\r\n'))).toMatch(/empty/);
    expect(badRequest(decode('X foo'))).toMatch(/unknown/);
    expect(badRequest(decode('Lalice'))).toMatch(/unknown/);
    expect(badRequest(decode('l alice'))).toMatch(/unknown/);
    expect(badRequest(decode(' L alice'))).toMatch(/unknown/);
  });

  it('refuses invalid UTF-8', () => {
    expect(badRequest(decode(Buffer.from([0x43, 0x20, 0x61, 0x20, 0xff, 0xfe])))).toMatch(/UTF-8/);
    // A truncated multi-byte character (first two bytes of 中).
    expect(badRequest(decode(Buffer.concat([Buffer.from('L '), Buffer.from('中').subarray(0, 2)])))).toMatch(/UTF-8/);
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 500; i++) {
      const buf = Buffer.from(Array.from({ length: i % 40 }, random));
      expect(() => decodeRequest(buf)).not.toThrow();
    }
  });
});

describe('encodeRequest', () => {
  it('round-trips through decodeRequest', () => {
    const requests = [
      { kind: 'L', name: 'alice' },
      { kind: 'C', name: 'alice', text: '你好 world' },
      { kind: 'Q', name: 'alice' },
      { kind: 'H', name: 'alice' },
    ] as const;
    for (const request of requests) expect(decodeRequest(encodeRequest(request))).toEqual({ ok: true, request });
  });
});

/** Check the split invariants: size, each chunk valid UTF-8 on its own, exact concatenation. */
function checkChunks(chunks: Buffer[], original: Buffer, max: number): void {
  for (const chunk of chunks) {
    expect(chunk.length).toBeLessThanOrEqual(max);
    expect(chunk.length).toBeGreaterThan(0);
    expect(isUtf8(chunk)).toBe(true);
  }
  expect(Buffer.concat(chunks).equals(original)).toBe(true);
}

describe('splitUtf8 / encodeNotice', () => {
  it('keeps a short notice in one datagram, with the leading newline', () => {
    const chunks = encodeNotice('alice: hi');
    expect(chunks.map(String)).toEqual(['\nalice: hi']);
  });

  it('splits 3000+ bytes of Chinese and emoji at character boundaries', () => {
    const text = '你好世界😀👩‍👩‍👧🇨🇳é'.repeat(120); // 3-byte, 4-byte, ZWJ sequences, flags, 2-byte
    expect(Buffer.byteLength(text)).toBeGreaterThan(3000);
    const chunks = encodeNotice(text, 1024);
    expect(chunks.length).toBeGreaterThan(2);
    checkChunks(chunks, Buffer.from('\n' + text), 1024);
    expect(chunks[0]?.[0]).toBe(0x0a);
    expect(chunks.slice(1).every((c) => c[0] !== 0x0a)).toBe(true);
  });

  it('splits at every possible offset of a 4-byte character', () => {
    for (let pad = 0; pad < 8; pad++) {
      const buf = Buffer.from('a'.repeat(pad) + '😀'.repeat(50));
      checkChunks(splitUtf8(buf, 16), buf, 16);
    }
  });

  it('splits pure ASCII at exactly the maximum', () => {
    const buf = Buffer.from('x'.repeat(2500));
    expect(splitUtf8(buf).map((c) => c.length)).toEqual([1024, 1024, 452]);
  });

  it('does not loop on bytes that are not UTF-8', () => {
    const buf = Buffer.alloc(100, 0x80);
    const chunks = splitUtf8(buf, 10);
    expect(Buffer.concat(chunks).equals(buf)).toBe(true);
  });
});

describe('encodeReply', () => {
  it('sends OK verbatim and truncates an overlong reply at a character boundary', () => {
    expect(encodeReply('OK').toString()).toBe('OK');
    const long = encodeReply('错'.repeat(1000));
    expect(long.length).toBeLessThanOrEqual(1024);
    expect(isUtf8(long)).toBe(true);
  });
});
