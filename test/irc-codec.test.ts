// Unit tests of the IRC codec: line splitting, parsing (tags, source, params), serialization, length limits, text splitting.
import { describe, expect, it } from 'vitest';
import {
  LineDecoder,
  MAX_BODY_BYTES,
  MAX_TAGS_BYTES,
  OVERLONG,
  checkLineLength,
  decodeText,
  escapeTagValue,
  fitLine,
  parseLine,
  parseTags,
  serialize,
  splitText,
  unescapeTagValue,
  type DecodedLine,
} from '../src/doors/irc/codec.js';
import { EncodedLines, fromIrcText, tagLines, textLines } from '../src/doors/irc/lines.js';

const text = (lines: DecodedLine[]): string[] => lines.map((l) => (l === OVERLONG ? '<overlong>' : l.toString('utf8')));

describe('LineDecoder', () => {
  it('ends lines at CR LF, a lone LF or a lone CR, and skips empty lines', () => {
    const d = new LineDecoder();
    expect(text(d.push(Buffer.from('NICK a\r\nUSER b\nPING c\rPONG d\r\n\r\n\n')))).toEqual(['NICK a', 'USER b', 'PING c', 'PONG d']);
    expect(d.pending).toBe(0);
  });

  it('keeps a partial line until its end arrives, even one byte at a time', () => {
    const d = new LineDecoder();
    const out: string[] = [];
    for (const byte of Buffer.from('PRIVMSG #lobby :héllo wörld\r\nQUIT\r\n')) out.push(...text(d.push(Buffer.from([byte]))));
    expect(out).toEqual(['PRIVMSG #lobby :héllo wörld', 'QUIT']);
  });

  it('reports an overlong line once, drops its bytes, and goes on with the next line', () => {
    const d = new LineDecoder(16);
    expect(text(d.push(Buffer.from('x'.repeat(10))))).toEqual([]);
    expect(text(d.push(Buffer.from('x'.repeat(10))))).toEqual(['<overlong>']);
    expect(text(d.push(Buffer.from('y'.repeat(40))))).toEqual([]);
    expect(text(d.push(Buffer.from('zz\r\nPING ok\r\n')))).toEqual(['PING ok']);
    expect(text(d.push(Buffer.from(`${'w'.repeat(17)}\nNEXT\n`)))).toEqual(['<overlong>', 'NEXT']);
    expect(text(d.push(Buffer.from(`${'v'.repeat(16)}\n`)))).toEqual(['v'.repeat(16)]);
  });
});

describe('checkLineLength', () => {
  it('allows 510 bytes of body and 8191 bytes of tags', () => {
    expect(checkLineLength(Buffer.from('a'.repeat(MAX_BODY_BYTES)))).toBeNull();
    expect(checkLineLength(Buffer.from('a'.repeat(MAX_BODY_BYTES + 1)))).toBe('line-too-long');
    const tags = `@k=${'v'.repeat(MAX_TAGS_BYTES - 4)} `; // '@' + 'k=' + value + ' ' = 8191 bytes
    expect(Buffer.byteLength(tags)).toBe(MAX_TAGS_BYTES);
    expect(checkLineLength(Buffer.from(tags + 'b'.repeat(MAX_BODY_BYTES)))).toBeNull();
    expect(checkLineLength(Buffer.from(tags + 'b'.repeat(MAX_BODY_BYTES + 1)))).toBe('line-too-long');
    expect(checkLineLength(Buffer.from(`@k=${'v'.repeat(MAX_TAGS_BYTES - 3)} ${'b'.repeat(MAX_BODY_BYTES)}`))).toBe('tags-too-long');
  });

  it('counts bytes, not characters', () => {
    expect(checkLineLength(Buffer.from('é'.repeat(255)))).toBeNull(); // 510 bytes
    expect(checkLineLength(Buffer.from('é'.repeat(256)))).toBe('line-too-long');
  });
});

describe('parseLine', () => {
  it('parses source, command, middle parameters and the trailing one', () => {
    expect(parseLine(':nick!user@host PRIVMSG #lobby :hello :there  you')).toEqual({
      source: 'nick!user@host',
      command: 'PRIVMSG',
      params: ['#lobby', 'hello :there  you'],
    });
  });

  it('takes bare parameters, repeated spaces and a lower-case command', () => {
    expect(parseLine('user  alice 0   * Alice')).toEqual({ command: 'USER', params: ['alice', '0', '*', 'Alice'] });
    expect(parseLine('PING')).toEqual({ command: 'PING', params: [] });
    expect(parseLine('001 me :Welcome')).toEqual({ command: '001', params: ['me', 'Welcome'] });
  });

  it('keeps an empty trailing parameter and a trailing one that starts with a colon', () => {
    expect(parseLine('TOPIC #lobby :')).toEqual({ command: 'TOPIC', params: ['#lobby', ''] });
    expect(parseLine('PRIVMSG #lobby ::-)')).toEqual({ command: 'PRIVMSG', params: ['#lobby', ':-)'] });
  });

  it('parses tags with escaped values, valueless keys and vendor names', () => {
    const msg = parseLine('@time=2024-01-01T00:00:00.000Z;+example.com/x=a\\sb\\:c\\\\d\\r\\n;flag;=nokey :src TAGMSG #lobby');
    expect(msg?.tags).toEqual({ time: '2024-01-01T00:00:00.000Z', '+example.com/x': 'a b;c\\d\r\n', flag: '' });
    expect(msg?.source).toBe('src');
    expect(msg?.command).toBe('TAGMSG');
  });

  it('gives null for lines without a command', () => {
    expect(parseLine('')).toBeNull();
    expect(parseLine('   ')).toBeNull();
    expect(parseLine('@a=b')).toBeNull();
    expect(parseLine('@a=b :src')).toBeNull();
    expect(parseLine(':src ')).toBeNull();
  });
});

describe('tag escaping', () => {
  it('round-trips every special character', () => {
    const value = 'a;b c\\d\re\nf';
    expect(escapeTagValue(value)).toBe('a\\:b\\sc\\\\d\\re\\nf');
    expect(unescapeTagValue(escapeTagValue(value))).toBe(value);
  });

  it('drops a trailing lone backslash and keeps unknown escapes as the character', () => {
    expect(unescapeTagValue('abc\\')).toBe('abc');
    expect(unescapeTagValue('\\x\\y')).toBe('xy');
    expect(parseTags('a=1;a=2;b')).toEqual({ a: '2', b: '' });
  });
});

describe('serialize', () => {
  it('puts a colon before a trailing parameter only when needed', () => {
    expect(serialize({ command: 'PING', params: ['token'] })).toBe('PING token');
    expect(serialize({ source: 'irc.netroom', command: '001', params: ['me', 'Welcome home'] })).toBe(':irc.netroom 001 me :Welcome home');
    expect(serialize({ command: 'PRIVMSG', params: ['#lobby', ':-)'] })).toBe('PRIVMSG #lobby ::-)');
    expect(serialize({ command: 'TOPIC', params: ['#lobby', ''] })).toBe('TOPIC #lobby :');
  });

  it('escapes tags and makes client-supplied middle parameters safe', () => {
    expect(serialize({ tags: { time: 'x', k: 'a b;c' }, command: 'X', params: ['p'] })).toBe('@time=x;k=a\\sb\\:c X p');
    expect(serialize({ command: '403', params: ['me', ':bad chan', '', 'No such channel'] })).toBe('403 me bad_chan * :No such channel');
    expect(serialize({ command: 'NOTICE', params: ['me', 'a\r\nQUIT\0'] })).toBe('NOTICE me aQUIT');
  });

  it('round-trips through parseLine', () => {
    const msg = { tags: { a: 'x y' }, source: 's!u@h', command: 'PRIVMSG', params: ['#lobby', 'hi there'] };
    expect(parseLine(serialize(msg))).toEqual(msg);
  });
});

describe('fitLine and decodeText', () => {
  it('cuts an overlong line at a UTF-8 boundary to 510 bytes plus CR LF', () => {
    const buf = fitLine(`:s NOTICE me :${'日'.repeat(300)}`);
    expect(buf.length).toBeLessThanOrEqual(512);
    expect(buf.subarray(-2).toString()).toBe('\r\n');
    expect(buf.toString('utf8')).not.toContain('\uFFFD');
    expect(fitLine('PING x').toString()).toBe('PING x\r\n');
  });

  it('decodes UTF-8, and Latin-1 when the bytes are not UTF-8', () => {
    expect(decodeText(Buffer.from('grüße', 'utf8'))).toBe('grüße');
    expect(decodeText(Buffer.from('grüße', 'latin1'))).toBe('grüße');
  });
});

describe('splitText', () => {
  it('splits at line breaks and drops empty lines', () => {
    expect(splitText('one\ntwo\n\nthree', 100)).toEqual(['one', 'two', 'three']);
  });

  it('never cuts a character and never goes over the byte budget', () => {
    const input = '日本語のテキスト🎉'.repeat(40);
    const pieces = splitText(input, 50);
    for (const piece of pieces) {
      expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(50);
      expect(piece).not.toContain('\uFFFD');
    }
    expect(pieces.join('')).toBe(input);
  });

  it('prefers to cut after a space', () => {
    const pieces = splitText('aaaa bbbb cccc dddd', 12);
    expect(pieces).toEqual(['aaaa bbbb ', 'cccc dddd']);
  });
});

describe('textLines and EncodedLines', () => {
  const source = 'bob!bob@udp.netroom';

  it('splits a long room message into PRIVMSGs of at most 512 bytes that add up to the text', () => {
    const message = ('word ' + 'ünïcödé ' + '🙂').repeat(150).slice(0, 1990);
    const lines = textLines(source, 'PRIVMSG', '#lobby', message).split('\r\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(3);
    const head = `:${source} PRIVMSG #lobby :`;
    for (const line of lines) {
      expect(Buffer.byteLength(line + '\r\n')).toBeLessThanOrEqual(512);
      expect(line.startsWith(head)).toBe(true);
    }
    expect(lines.map((l) => l.slice(head.length)).join('')).toBe(message);
  });

  it('sends each line of a multi-line message as its own PRIVMSG', () => {
    expect(textLines(source, 'PRIVMSG', '#lobby', 'first\nsecond')).toBe(
      `:${source} PRIVMSG #lobby :first\r\n:${source} PRIVMSG #lobby :second\r\n`,
    );
  });

  it('turns "/me" messages into CTCP ACTION and back', () => {
    expect(textLines(source, 'PRIVMSG', '#lobby', '/me waves')).toBe(`:${source} PRIVMSG #lobby :\x01ACTION waves\x01\r\n`);
    expect(fromIrcText('\x01ACTION waves\x01')).toEqual({ ok: true, text: '/me waves' });
    expect(fromIrcText('\x01VERSION\x01')).toEqual({ ok: false, ctcp: 'VERSION' });
  });

  it('removes IRC formatting codes from what goes into the room', () => {
    expect(fromIrcText('\x02bold\x02 \x0304,12red\x03 \x1ditalic\x1d \x0fplain')).toEqual({ ok: true, text: 'bold red italic plain' });
  });

  it('tags every line with the event time, once per event', () => {
    const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    expect(tagLines('A\r\nB\r\n', at)).toBe('@time=2024-01-02T03:04:05.678Z A\r\n@time=2024-01-02T03:04:05.678Z B\r\n');
    const single = new EncodedLines('PING x\r\n', at);
    expect(single.tagged.toString()).toBe('@time=2024-01-02T03:04:05.678Z PING x\r\n');
    expect(single.tagged).toBe(single.tagged);
    expect(new EncodedLines('A\r\nB\r\n', at).tagged.toString()).toBe(tagLines('A\r\nB\r\n', at));
  });
});
