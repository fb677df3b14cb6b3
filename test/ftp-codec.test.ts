// Units of the FTP wire format: command decoding, replies, PORT/EPRT/PASV/EPSV, TYPE, line ends, error replies.
import { describe, expect, test } from 'vitest';
import { NetroomError } from '../src/core/errors.js';
import { FromCrlf, stripCr, toCrlf } from '../src/doors/ftp/ascii.js';
import {
  CommandDecoder,
  canonicalHost,
  epsvText,
  formatReply,
  listPathArg,
  parseCommand,
  parseEprt,
  parsePort,
  parseType,
  pasvText,
  quotePath,
  sameHost,
} from '../src/doors/ftp/codec.js';
import { errorReply } from '../src/doors/ftp/replies.js';

function commands(decoder: CommandDecoder, ...chunks: Array<string | Buffer>): Array<string> {
  return chunks.flatMap((c) =>
    decoder.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c).map((d) => (d.kind === 'command' ? `${d.command.verb}|${d.command.arg}` : 'TOO-LONG')),
  );
}

describe('CommandDecoder', () => {
  test('splits CRLF and bare LF lines, upper-cases the verb, keeps the argument as sent', () => {
    expect(commands(new CommandDecoder(), 'user anonymous\r\nPASS  two  spaces \r\nNOOP\n')).toEqual(['USER|anonymous', 'PASS| two  spaces ', 'NOOP|']);
  });

  test('a line split across chunks, UTF-8 split inside a character, empty lines skipped', () => {
    const bytes = Buffer.from('RETR 文件.txt\r\n', 'utf8');
    const decoder = new CommandDecoder();
    expect(commands(decoder, bytes.subarray(0, 7), '\r\n'.slice(0, 0), bytes.subarray(7), '\r\n\r\n')).toEqual(['RETR|文件.txt']);
  });

  test('telnet IP/DM before ABOR and option negotiation are removed; IAC IAC is a literal 0xFF', () => {
    const decoder = new CommandDecoder();
    const abor = Buffer.concat([Buffer.from([0xff, 0xf4, 0xff, 0xf2]), Buffer.from('ABOR\r\n')]);
    expect(commands(decoder, abor)).toEqual(['ABOR|']);
    expect(commands(decoder, Buffer.from([0xff, 0xfb, 0x01]), 'NOOP\r\n')).toEqual(['NOOP|']);
    const literal = decoder.push(Buffer.concat([Buffer.from('SITE a'), Buffer.from([0xff, 0xff]), Buffer.from('b\r\n')]));
    // IAC IAC is one 0xFF byte in the line (invalid UTF-8 on its own, so it decodes as U+FFFD).
    expect(literal).toEqual([{ kind: 'command', command: { verb: 'SITE', arg: 'a\ufffdb' } }]);
  });

  test('an over-long line is reported once and skipped; the next line is read normally', () => {
    const decoder = new CommandDecoder(16);
    expect(commands(decoder, `STOR ${'x'.repeat(40)}`, 'yyy\r\nNOOP\r\n')).toEqual(['TOO-LONG', 'NOOP|']);
  });

  test('parseCommand without an argument', () => {
    expect(parseCommand('  pwd')).toEqual({ verb: 'PWD', arg: '' });
  });
});

describe('replies', () => {
  test('one line', () => {
    expect(formatReply(200, 'Type set to I')).toBe('200 Type set to I\r\n');
  });

  test('multi-line: first line CODE-, last line CODE space, a middle line starting with a digit is indented', () => {
    expect(formatReply(211, ['Features:', ' SIZE', '257 looks like a code', 'End'])).toBe('211-Features:\r\n SIZE\r\n 257 looks like a code\r\n211 End\r\n');
  });

  test('embedded line breaks become lines, never a bare LF on the wire', () => {
    const wire = formatReply(550, 'first\nsecond');
    expect(wire).toBe('550-first\r\n550 second\r\n');
  });

  test('257 quoting doubles embedded quotes (RFC 959 appendix II)', () => {
    expect(`257 ${quotePath('/a "b" c')} created`).toBe('257 "/a ""b"" c" created');
    expect(quotePath('/')).toBe('"/"');
  });

  test('PASV and EPSV texts', () => {
    expect(pasvText('127.0.0.1', 50001)).toBe('Entering Passive Mode (127,0,0,1,195,81).');
    expect(epsvText(50001)).toBe('Entering Extended Passive Mode (|||50001|)');
  });
});

describe('arguments', () => {
  test('PORT', () => {
    expect(parsePort('127,0,0,1,195,81')).toEqual({ host: '127.0.0.1', port: 50001 });
    expect(parsePort('127,0,0,1,256,1')).toBeNull();
    expect(parsePort('127,0,0,1,0,0')).toBeNull();
    expect(parsePort('1,2,3')).toBeNull();
    expect(parsePort('a,b,c,d,e,f')).toBeNull();
  });

  test('EPRT with IPv4, IPv6, another delimiter, and errors', () => {
    expect(parseEprt('|1|132.235.1.2|6275|')).toEqual({ ok: true, endpoint: { host: '132.235.1.2', port: 6275 } });
    expect(parseEprt('!2!::1!6275!')).toEqual({ ok: true, endpoint: { host: '::1', port: 6275 } });
    expect(parseEprt('|3|x|1|')).toEqual({ ok: false, reason: 'protocol' });
    expect(parseEprt('|1|::1|1|')).toEqual({ ok: false, reason: 'syntax' });
    expect(parseEprt('|1|1.2.3.4|70000|')).toEqual({ ok: false, reason: 'syntax' });
    expect(parseEprt('|1|1.2.3.4|')).toEqual({ ok: false, reason: 'syntax' });
  });

  test('TYPE', () => {
    expect(parseType('I')).toBe('I');
    expect(parseType('a')).toBe('A');
    expect(parseType('A N')).toBe('A');
    expect(parseType('L 8')).toBe('I');
    expect(parseType('A T')).toBe('unsupported');
    expect(parseType('E')).toBe('unsupported');
    expect(parseType('Q')).toBe('syntax');
  });

  test('LIST options are not paths', () => {
    expect(listPathArg('-la')).toBe('');
    expect(listPathArg('-a -l docs')).toBe('docs');
    expect(listPathArg('docs')).toBe('docs');
    expect(listPathArg('-la my-file')).toBe('my-file');
  });

  test('the same host in any spelling', () => {
    expect(sameHost('::ffff:127.0.0.1', '127.0.0.1')).toBe(true);
    expect(sameHost('0:0:0:0:0:0:0:1', '::1')).toBe(true);
    expect(sameHost('127.0.0.2', '127.0.0.1')).toBe(false);
    expect(canonicalHost('::FFFF:10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('TYPE A line ends', () => {
  test('LF to CRLF, every LF (round-trips with the upload conversion)', () => {
    expect(toCrlf(Buffer.from('a\nb\r\n\n')).toString()).toBe('a\r\nb\r\r\n\r\n');
    const binary = Buffer.from('no newline');
    expect(toCrlf(binary)).toBe(binary);
  });

  test('CRLF to LF, a lone CR kept, a CR at a chunk end decided by the next chunk', async () => {
    expect(stripCr(Buffer.from('a\r\nb\rc\r\n')).toString()).toBe('a\nb\rc\n');
    const t = new FromCrlf();
    const out: Buffer[] = [];
    t.on('data', (c: Buffer) => out.push(c));
    t.write(Buffer.from('one\r'));
    t.write(Buffer.from('\ntwo\r'));
    t.write(Buffer.from('x\r'));
    t.end();
    await new Promise((resolve) => t.on('end', resolve));
    expect(Buffer.concat(out).toString()).toBe('one\ntwo\rx\r');
  });
});

describe('error replies', () => {
  const e = (code: ConstructorParameters<typeof NetroomError>[0], params: Record<string, string | number> = {}): NetroomError => new NetroomError(code, code, params);

  test('each core error gets its FTP code', () => {
    expect(errorReply(e('NOT_FOUND'), 'file').code).toBe(550);
    expect(errorReply(e('HIDDEN_PATH'), 'file').code).toBe(550);
    expect(errorReply(e('HIDDEN_PATH'), 'upload').code).toBe(553);
    expect(errorReply(e('OUTSIDE_ROOT'), 'upload').code).toBe(553);
    expect(errorReply(e('ALREADY_EXISTS'), 'upload').code).toBe(553);
    expect(errorReply(e('TOO_LARGE'), 'upload').code).toBe(552);
    expect(errorReply(e('DISK_FULL'), 'upload').code).toBe(452);
    expect(errorReply(e('UPLOAD_ABORTED'), 'upload').code).toBe(450);
    expect(errorReply(e('IO_ERROR'), 'file').code).toBe(451);
    expect(errorReply(e('BAD_REQUEST'), 'file').code).toBe(501);
    expect(errorReply(e('BAD_REQUEST', { restart: 10 }), 'file').code).toBe(554);
    expect(errorReply(e('SERVER_CLOSING'), 'file').code).toBe(421);
    expect(errorReply(e('PERMISSION_DENIED'), 'file').code).toBe(550);
  });
});
