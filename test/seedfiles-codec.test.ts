// Unit tests of the seed file codec: command framing and parsing, name rules, list encoding, the `##` end marker.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EndMarkerDecoder,
  MAX_LIST_BYTES,
  checkSeedName,
  decodeList,
  encodeList,
  isListable,
  nextCommand,
  parseCommand,
  type PushResult,
} from '../src/doors/seedfiles/codec.js';
import { NetroomError } from '../src/core/errors.js';

const b = (text: string): Buffer => Buffer.from(text);

describe('nextCommand (framing)', () => {
  it('takes a chunk without a newline as one command, as the seed client sends them', () => {
    const { line, rest } = nextCommand(b('G my file.txt'));
    expect(line.toString()).toBe('G my file.txt');
    expect(rest).toBeNull();
  });

  it('splits newline-terminated commands (nc) and strips \\r', () => {
    const first = nextCommand(b('L\r\nG a\nQ\n'));
    expect(first.line.toString()).toBe('L');
    const second = nextCommand(first.rest ?? Buffer.alloc(0));
    expect(second.line.toString()).toBe('G a');
    const third = nextCommand(second.rest ?? Buffer.alloc(0));
    expect(third.line.toString()).toBe('Q');
    expect(third.rest).toBeNull();
  });
});

describe('parseCommand', () => {
  it('parses the four seed verbs', () => {
    expect(parseCommand(b('L'))).toEqual({ kind: 'list' });
    expect(parseCommand(b('Q'))).toEqual({ kind: 'quit' });
    expect(parseCommand(b('G a.txt'))).toEqual({ kind: 'get', name: 'a.txt' });
    expect(parseCommand(b('P a.txt'))).toEqual({ kind: 'put', name: 'a.txt' });
  });

  it('keeps spaces inside names and trims around them', () => {
    expect(parseCommand(b('G  my file.txt '))).toEqual({ kind: 'get', name: 'my file.txt' });
    expect(parseCommand(b('P 中文 文件.txt'))).toEqual({ kind: 'put', name: '中文 文件.txt' });
  });

  it('accepts long forms in any case', () => {
    expect(parseCommand(b('list'))).toEqual({ kind: 'list' });
    expect(parseCommand(b('get x'))).toEqual({ kind: 'get', name: 'x' });
    expect(parseCommand(b('Put x'))).toEqual({ kind: 'put', name: 'x' });
    expect(parseCommand(b('QUIT'))).toEqual({ kind: 'quit' });
  });

  it('gives an empty name when none is given (refused later by checkSeedName)', () => {
    expect(parseCommand(b('G'))).toEqual({ kind: 'get', name: '' });
  });

  it('ignores blank lines and a lone late marker', () => {
    expect(parseCommand(b('  '))).toEqual({ kind: 'empty' });
    expect(parseCommand(b('##'))).toEqual({ kind: 'marker' });
  });

  it('reports unknown verbs and invalid UTF-8 as BAD_REQUEST, escaping what it echoes', () => {
    const unknown = parseCommand(b('X\u0007yz'));
    expect(unknown.kind).toBe('unknown');
    if (unknown.kind === 'unknown') {
      expect(unknown.error.code).toBe('BAD_REQUEST');
      expect(unknown.error.message).not.toContain('\u0007');
    }
    const binary = parseCommand(Buffer.from([0x47, 0x20, 0xff, 0xfe]));
    expect(binary.kind === 'unknown' && binary.error.code).toBe('BAD_REQUEST');
  });
});

describe('checkSeedName', () => {
  const codeOf = (name: string): string => {
    try {
      checkSeedName(name);
      return 'accepted';
    } catch (err) {
      return err instanceof NetroomError ? err.code : 'other';
    }
  };

  it('accepts plain names, Chinese and spaces included', () => {
    expect(checkSeedName('a.txt')).toBe('a.txt');
    expect(checkSeedName('中文 文件.txt')).toBe('中文 文件.txt');
  });

  it('refuses traversal, absolute paths, backslashes, NUL, hidden names, folders and emptiness', () => {
    expect(codeOf('../x')).toBe('OUTSIDE_ROOT');
    expect(codeOf('/etc/passwd')).toBe('OUTSIDE_ROOT');
    expect(codeOf('a\\b')).toBe('BAD_PATH');
    expect(codeOf('a\0b')).toBe('BAD_PATH');
    expect(codeOf('.hidden')).toBe('HIDDEN_PATH');
    expect(codeOf('dir/x')).toBe('BAD_PATH');
    expect(codeOf('./x')).toBe('BAD_PATH');
    expect(codeOf('')).toBe('BAD_PATH');
  });
});

describe('encodeList / decodeList', () => {
  it('encodes as the seed server does: each name followed by #', () => {
    const encoded = encodeList(['a', 'b']);
    expect(encoded.bytes.toString()).toBe('a#b#');
    expect(encoded.truncated).toBe(false);
    expect(decodeList(encoded.bytes)).toEqual(['a', 'b']);
  });

  it('cuts at a name boundary so the listing fits one recv(4096)', () => {
    const names = Array.from({ length: 300 }, (_, i) => `文件-${String(i).padStart(4, '0')}.txt`);
    const encoded = encodeList(names);
    expect(encoded.truncated).toBe(true);
    expect(encoded.bytes.length).toBeLessThanOrEqual(MAX_LIST_BYTES);
    expect(encoded.bytes.toString()).toMatch(/#$/u);
    expect(decodeList(encoded.bytes)).toEqual(names.slice(0, encoded.included));
    // the next name would not have fitted
    const next = Buffer.byteLength(`${names[encoded.included] ?? ''}#`);
    expect(encoded.bytes.length + next).toBeGreaterThan(MAX_LIST_BYTES);
  });

  it('keeps a listing that fits exactly', () => {
    const encoded = encodeList(['abc', 'de'], 7);
    expect(encoded).toMatchObject({ included: 2, truncated: false });
    expect(encodeList(['abc', 'de'], 6)).toMatchObject({ included: 1, truncated: true });
  });

  it('leaves out names the seed listing cannot carry', () => {
    expect(isListable('a#b')).toBe(false);
    expect(isListable('a\nb')).toBe(false);
    expect(isListable('中文.txt')).toBe(true);
  });
});

/** Feed chunks at given times; returns the data handed out (joined) and whether it ended. */
function run(decoder: EndMarkerDecoder, steps: Array<[string | Buffer, number]>): { data: Buffer; ended: boolean } {
  const out: Buffer[] = [];
  let ended = false;
  for (const [chunk, at] of steps) {
    const r: PushResult = decoder.push(typeof chunk === 'string' ? b(chunk) : chunk, at);
    out.push(...r.data);
    ended = r.ended;
  }
  return { data: Buffer.concat(out), ended };
}

describe('EndMarkerDecoder', () => {
  it('ends on an exact ## after a pause and hands out everything before it', () => {
    const d = new EndMarkerDecoder(0);
    const r = run(d, [['hello ', 10], ['world', 20], ['##', 130]]);
    expect(r).toEqual({ data: b('hello world'), ended: true });
    expect(d.ended).toBe(true);
  });

  it('treats ## inside the data flow (no pause) as data', () => {
    const d = new EndMarkerDecoder(0);
    const r = run(d, [['abc', 10], ['##', 20], ['def', 30]]);
    expect(r.ended).toBe(false);
    const end = run(d, [['##', 200]]);
    expect(Buffer.concat([r.data, end.data]).toString()).toBe('abc##def');
    expect(end.ended).toBe(true);
  });

  it('keeps a file whose content ends with ## (the seed client sends its own ## 0.1 s later)', () => {
    const d = new EndMarkerDecoder(0);
    const r = run(d, [['xy##', 10], ['##', 120]]);
    expect(r).toEqual({ data: b('xy##'), ended: true });
  });

  it('an empty file: ## right after the pause', () => {
    expect(run(new EndMarkerDecoder(0), [['##', 100]])).toEqual({ data: Buffer.alloc(0), ended: true });
  });

  it('ends a coalesced tail (data##) after the quiet period, never handing out the marker', () => {
    const d = new EndMarkerDecoder(0, { quietMs: 1000 });
    const r = run(d, [['abc##', 100]]);
    expect(r).toEqual({ data: b('abc'), ended: false }); // only the possible marker is held back
    expect(d.tailIsMarker).toBe(true);
    expect(d.tick(600)).toEqual({ data: [], ended: false });
    const end = d.tick(1100);
    expect(end.ended).toBe(true);
    expect(Buffer.concat([r.data, ...end.data]).toString()).toBe('abc');
  });

  it('ends on # then # split within one burst', () => {
    const d = new EndMarkerDecoder(0);
    const r = run(d, [['data', 10], ['#', 200], ['#', 210]]);
    expect(r).toEqual({ data: b('data'), ended: true });
  });

  it('# then # with a pause between: not at once, but the quiet rule ends it', () => {
    const d = new EndMarkerDecoder(0);
    const r = run(d, [['data', 10], ['#', 200], ['#', 300]]);
    expect(r.ended).toBe(false);
    expect(d.tailIsMarker).toBe(true);
    const end = d.tick(1400);
    expect(end.ended).toBe(true);
    expect(Buffer.concat([r.data, ...end.data]).toString()).toBe('data');
  });

  it('a lone # after a pause followed by more data is data', () => {
    const d = new EndMarkerDecoder(0);
    const r = run(d, [['a', 10], ['#', 200], ['b', 400], ['##', 600]]);
    expect(r).toEqual({ data: b('a#b'), ended: true });
  });

  it('accepts ##\\n and ##\\r\\n only with lineMarkers (people using nc)', () => {
    expect(run(new EndMarkerDecoder(0, { lineMarkers: true }), [['text\n', 10], ['##\n', 500]])).toEqual({ data: b('text\n'), ended: true });
    expect(run(new EndMarkerDecoder(0, { lineMarkers: true }), [['text\n', 10], ['##\r\n', 500]])).toEqual({ data: b('text\n'), ended: true });
    const strict = new EndMarkerDecoder(0);
    expect(run(strict, [['text\n', 10], ['##\n', 500]]).ended).toBe(false);
  });

  it('finish(): a trailing marker at end of stream ends cleanly; anything else was cut short', () => {
    const ok = new EndMarkerDecoder(0);
    const r = run(ok, [['abc##', 10]]);
    const end = ok.finish();
    expect(end.ended).toBe(true);
    expect(Buffer.concat([r.data, ...end.data]).toString()).toBe('abc');
    const cut = new EndMarkerDecoder(0);
    run(cut, [['abc', 10]]);
    expect(cut.finish().ended).toBe(false);
  });

  it('is byte-exact over random data cut at random places, marker apart or coalesced', () => {
    for (let round = 0; round < 50; round++) {
      const data = randomBytes(1 + Math.floor(Math.random() * 5000));
      if (round % 5 === 0) data.write('##', data.length - 2 >= 0 ? data.length - 2 : 0); // content ending in ##
      const coalesced = round % 2 === 1;
      const d = new EndMarkerDecoder(0, { gapMs: 50, quietMs: 1000 });
      const out: Buffer[] = [];
      let at = 10;
      let offset = 0;
      const whole = coalesced ? Buffer.concat([data, b('##')]) : data;
      let ended = false;
      while (offset < whole.length) {
        const size = 1 + Math.floor(Math.random() * 700);
        const r = d.push(whole.subarray(offset, offset + size), at);
        out.push(...r.data);
        ended ||= r.ended;
        offset += size;
        at += Math.floor(Math.random() * 40); // always under the gap: one burst
      }
      if (coalesced) {
        const r = d.tick(at + 1000);
        out.push(...r.data);
        ended ||= r.ended;
      } else {
        const r = d.push(b('##'), at + 100);
        out.push(...r.data);
        ended ||= r.ended;
      }
      expect(ended).toBe(true);
      expect(Buffer.concat(out).equals(data)).toBe(true);
    }
  });

  it('hands big chunks through without copying them', () => {
    const d = new EndMarkerDecoder(0);
    const big = randomBytes(1 << 20);
    const r = d.push(big, 10);
    expect(r.data).toHaveLength(1);
    expect(r.data[0]?.buffer).toBe(big.buffer); // a view of the same memory
  });
});
