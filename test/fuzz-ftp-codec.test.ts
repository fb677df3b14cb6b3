// Property-based fuzzing of the FTP control codec: command decoding, replies, PORT/EPRT (no bounce), EPSV, virtual paths.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CommandDecoder, canonicalHost, formatReply, listPathArg, parseCommand, parseEprt, parsePort, parseType, type DecodedLine } from '../src/doors/ftp/codec.js';
import { eprt } from '../src/doors/ftp/commands/eprt.js';
import { epsv } from '../src/doors/ftp/commands/epsv.js';
import { port } from '../src/doors/ftp/commands/port.js';
import { resolveVirtual } from '../src/doors/ftp/paths.js';
import type { FtpSession } from '../src/doors/ftp/session.js';
import { anyText, check, checkAsync, cut, cuts, protocolBytes } from './helpers/fuzz.js';

function shown(lines: DecodedLine[]): string[] {
  return lines.map((l) => (l.kind === 'command' ? `${l.command.verb}|${l.command.arg}` : '<too-long>'));
}

/** Telnet sequences (RFC 854) mixed into command text: IAC IP, IAC DM, IAC WILL x, IAC IAC. */
const controlStream = fc
  .array(
    fc.oneof(
      protocolBytes(30),
      fc.constantFrom([0xff, 0xf4], [0xff, 0xf2], [0xff, 0xfb, 0x01], [0xff, 0xfe, 0x03], [0xff, 0xff]).map((a) => Buffer.from(a)),
      fc.constantFrom('USER anonymous\r\n', 'PASS x\r\n', 'PORT 127,0,0,1,4,1\r\n', 'EPRT |2|::1|5000|\n', 'RETR a b\r\n').map((s) => Buffer.from(s)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Buffer.concat(parts));

describe('FTP CommandDecoder (RFC 959 5.3, RFC 854 telnet)', () => {
  test('any chunking of the control stream gives the same commands, too-long lines and telnet sequences included', () => {
    check(
      fc.property(controlStream, cuts, fc.integer({ min: 1, max: 64 }), (bytes, positions, max) => {
        const whole = shown(new CommandDecoder(max).push(bytes));
        const decoder = new CommandDecoder(max);
        expect(cut(bytes, positions).flatMap((c) => shown(decoder.push(c)))).toEqual(whole);
      }),
      1000,
    );
  });

  test('a decoded verb is upper case without spaces; no command carries a LF', () => {
    check(
      fc.property(controlStream, (bytes) => {
        for (const line of new CommandDecoder().push(bytes)) {
          if (line.kind !== 'command') continue;
          const { verb, arg } = line.command;
          expect(verb).toBe(verb.toUpperCase());
          // A CR inside a line stays (only the one before LF ends it): an unknown verb is quoted with JSON escapes.
          expect(verb.includes(' ') || verb.includes('\n')).toBe(false);
          expect(arg.includes('\n')).toBe(false);
        }
      }),
      1000,
    );
  });

  test('parseCommand, parseType and listPathArg never throw', () => {
    check(
      fc.property(anyText(80), (text) => {
        parseCommand(text);
        expect(['A', 'I', 'unsupported', 'syntax']).toContain(parseType(text));
        expect(listPathArg(text).length).toBeLessThanOrEqual(text.length);
      }),
      1000,
    );
  });
});

describe('FTP replies (RFC 959 4.2)', () => {
  test('only the last line of a reply can be taken for its end; every line ends in CR LF', () => {
    check(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(anyText(80), fc.array(anyText(30), { maxLength: 6 })), (code, text) => {
        const reply = formatReply(code, text);
        expect(reply.endsWith('\r\n')).toBe(true);
        const lines = reply.slice(0, -2).split('\r\n');
        lines.forEach((line, i) => {
          expect(/[\r\n]/u.test(line)).toBe(false);
          const ends = new RegExp(`^${code} `, 'u').test(line) || line === String(code);
          expect(ends).toBe(i === lines.length - 1);
          expect(/^\d{3} /u.test(line) && i < lines.length - 1).toBe(false);
        });
      }),
      1000,
    );
  });
});

describe('PORT and EPRT arguments (RFC 959 4.1.2, RFC 2428 2)', () => {
  const portArg = fc.oneof(
    anyText(40),
    fc.array(fc.oneof(fc.nat(300).map(String), fc.constantFrom('', ' 1', '01', '-1', '1e2', '0x1', '256', '999')), { maxLength: 8 }).map((a) => a.join(',')),
  );

  test('parsePort never throws; what it accepts is a dotted quad and a port 1-65535', () => {
    check(
      fc.property(portArg, (arg) => {
        const hp = parsePort(arg);
        if (hp === null) return;
        expect(hp.host).toMatch(/^(\d{1,3}\.){3}\d{1,3}$/u);
        expect(hp.host.split('.').every((o) => Number(o) <= 255)).toBe(true);
        expect(hp.port).toBeGreaterThanOrEqual(1);
        expect(hp.port).toBeLessThanOrEqual(65535);
      }),
      1000,
    );
  });

  test('PORT round-trips: h1,h2,h3,h4,p1,p2 gives the address and p1*256+p2 back', () => {
    check(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (host, p) => {
        const arg = `${host.split('.').map(Number).join(',')},${Math.floor(p / 256)},${p % 256}`;
        expect(parsePort(arg)).toEqual({ host: host.split('.').map(Number).join('.'), port: p });
      }),
      500,
    );
  });

  test('parseEprt never throws; what it accepts has a port 1-65535 and an address of the family named', () => {
    const eprtArg = fc.oneof(
      anyText(50),
      fc
        .tuple(fc.constantFrom('|', '!', '#', ' ', ''), fc.constantFrom('1', '2', '3', '', '01'), fc.oneof(fc.ipV4(), fc.ipV6(), anyText(10)), fc.oneof(fc.nat(70000).map(String), anyText(6)))
        .map(([d, proto, host, p]) => `${d}${proto}${d}${host}${d}${p}${d}`),
    );
    check(
      fc.property(eprtArg, (arg) => {
        const result = parseEprt(arg);
        if (!result.ok) return;
        expect(result.endpoint.port).toBeGreaterThanOrEqual(1);
        expect(result.endpoint.port).toBeLessThanOrEqual(65535);
      }),
      1000,
    );
  });

  test('EPRT round-trips for IPv4 and IPv6 with any delimiter that cannot occur in the fields', () => {
    const delim = fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c)).filter((c) => !/[0-9A-Fa-f:.]/u.test(c));
    check(
      fc.property(delim, fc.oneof(fc.ipV4().map((h) => ['1', h] as const), fc.ipV6().map((h) => ['2', h] as const)), fc.integer({ min: 1, max: 65535 }), (d, [proto, host], p) => {
        expect(parseEprt(`${d}${proto}${d}${host}${d}${p}${d}`)).toEqual({ ok: true, endpoint: { host, port: p } });
      }),
      500,
    );
  });

  test('no FTP bounce: PORT and EPRT only ever set up a data connection to the client itself, on an unprivileged port', () => {
    const remote = fc.constantFrom('127.0.0.1', '::1', '192.0.2.7', '2001:db8::5');
    const arg = fc.oneof(
      fc.tuple(fc.ipV4(), fc.nat(65535)).map(([h, p]) => `${h.replaceAll('.', ',')},${p >> 8},${p & 255}`),
      fc.constantFrom('127,0,0,1,4,1', '127,0,0,1,0,21', '192,0,2,7,200,0', '|1|127.0.0.1|5000|', '|2|::1|5000|', '|2|::ffff:127.0.0.1|5000|', '|1|192.0.2.7|80|'),
      fc.tuple(fc.constantFrom('1', '2'), fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat(65535)).map(([f, h, p]) => `|${f}|${h}|${p}|`),
      anyText(40),
    );
    check(
      fc.property(remote, arg, fc.boolean(), fc.constantFrom(port, eprt), (remoteHost, a, epsvAll, handler) => {
        const replies: number[] = [];
        const data: unknown[] = [];
        const session = {
          remoteHost: canonicalHost(remoteHost),
          epsvAll,
          reply: (code: number) => void replies.push(code),
          setData: (setup: unknown) => void data.push(setup),
        } as unknown as FtpSession;
        void handler.run(session, a, handler === port ? 'PORT' : 'EPRT');
        expect(replies).toHaveLength(1);
        expect([200, 501, 503, 504, 522]).toContain(replies[0]);
        if (replies[0] !== 200) {
          expect(data).toEqual([]);
          return;
        }
        expect(epsvAll).toBe(false);
        const setup = data[0] as { kind: string; endpoint: { host: string; port: number } };
        expect(setup.endpoint.host).toBe(canonicalHost(remoteHost));
        expect(setup.endpoint.port).toBeGreaterThanOrEqual(1024);
      }),
      1000,
    );
  });
});

describe('EPSV argument (RFC 2428 3)', () => {
  test('ALL (any case, spaces) switches to EPSV only; another family than the connection has is 522; nothing else is accepted', async () => {
    const arg = fc.oneof(anyText(12), fc.constantFrom('ALL', ' all ', 'aLl', '1', '2', ' 1', '3', '1 2', 'ALL2', '', ' '));
    await checkAsync(
      fc.asyncProperty(arg, fc.constantFrom('127.0.0.1', '::1'), async (a, localHost) => {
        const family = localHost === '::1' ? '2' : '1';
        const wanted = a.trim().toUpperCase();
        // '' and the connection's own family open a passive listener: the door tests cover that, not this unit.
        if (wanted === '' || wanted === family) return;
        const replies: number[] = [];
        const session = { localHost, epsvAll: false, reply: (code: number) => void replies.push(code) } as unknown as FtpSession;
        await epsv.run(session, a, 'EPSV');
        expect(replies).toEqual([wanted === 'ALL' ? 200 : 522]);
        expect(session.epsvAll).toBe(wanted === 'ALL');
      }),
      500,
    );
  });
});

describe('FTP virtual paths (the library is the whole tree)', () => {
  const segment = fc.oneof(fc.constantFrom('..', '.', '', '...', '.hidden', 'a', 'b c', '%2e%2e', '\\..'), anyText(6));
  const pathArg = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 8 })).map(([abs, s]) => (abs ? '/' : '') + s.join('/'));
  test('resolveVirtual always gives /-rooted paths with no empty, . or .. segment, whatever the folder and the argument', () => {
    check(
      fc.property(pathArg, pathArg, (cwdArg, arg) => {
        const cwd = resolveVirtual('/', cwdArg);
        const v = resolveVirtual(cwd, arg);
        expect(v.startsWith('/')).toBe(true);
        if (v === '/') return;
        for (const part of v.slice(1).split('/')) expect(['', '.', '..']).not.toContain(part);
      }),
      1000,
    );
  });
});
