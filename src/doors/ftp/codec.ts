// FTP wire format, pure: the incremental command decoder, reply formatting, PORT/EPRT/PASV/EPSV arguments.
import { SocketAddress, isIPv4, isIPv6 } from 'node:net';

/** One command line from the client: the verb upper-cased, the argument as sent (RFC 959 5.3). */
export interface FtpCommand {
  readonly verb: string;
  readonly arg: string;
}

/** What the decoder yields: a command, or a line longer than the limit (answered 500, then skipped). */
export type DecodedLine = { readonly kind: 'command'; readonly command: FtpCommand } | { readonly kind: 'too-long' };

/** Longest command line accepted, in bytes (a path of 255-byte names needs room; RFC 959 sets no limit). */
export const MAX_LINE = 8192;

const IAC = 0xff;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits the control stream into command lines. Telnet commands (RFC 854: `IAC IP`, `IAC DM` that
 * clients send before ABOR, option negotiation) are removed; `IAC IAC` is a literal 0xFF byte. Lines
 * end in CRLF or a bare LF; text is UTF-8 (RFC 2640).
 */
export class CommandDecoder {
  private line: number[] = [];
  private skipping = false;
  /** Telnet state: bytes still to drop after an IAC (1 for a command, 2 for WILL/WONT/DO/DONT + option). */
  private telnet = 0;
  private afterIac = false;

  constructor(private readonly maxLine = MAX_LINE) {}

  /** Feed received bytes; returns the complete lines they finish, in order. */
  push(chunk: Buffer): DecodedLine[] {
    const out: DecodedLine[] = [];
    for (const byte of chunk) {
      if (this.telnet > 0) {
        this.telnet--;
        continue;
      }
      if (this.afterIac) {
        this.afterIac = false;
        if (byte === IAC) {
          this.add(IAC, out);
        } else if (byte >= 251 && byte <= 254) {
          this.telnet = 1; // WILL/WONT/DO/DONT carry one option byte
        }
        continue; // any other telnet command (IP, DM, AO...) is one byte: dropped
      }
      if (byte === IAC) {
        this.afterIac = true;
        continue;
      }
      if (byte === LF) {
        out.push(...this.endLine());
        continue;
      }
      this.add(byte, out);
    }
    return out;
  }

  private add(byte: number, out: DecodedLine[]): void {
    if (this.skipping) return;
    if (this.line.length >= this.maxLine) {
      this.skipping = true;
      this.line = [];
      out.push({ kind: 'too-long' });
      return;
    }
    this.line.push(byte);
  }

  private endLine(): DecodedLine[] {
    const bytes = this.line;
    this.line = [];
    if (this.skipping) {
      this.skipping = false;
      return [];
    }
    if (bytes.at(-1) === CR) bytes.pop();
    const text = Buffer.from(bytes).toString('utf8');
    if (text.trim() === '') return [];
    return [{ kind: 'command', command: parseCommand(text) }];
  }
}

/** Split `VERB arg` (RFC 959 5.3.1): the verb is case-insensitive; the argument keeps its spaces except the separator. */
export function parseCommand(line: string): FtpCommand {
  const trimmed = line.replace(/^\s+/u, '');
  const space = trimmed.indexOf(' ');
  if (space < 0) return { verb: trimmed.toUpperCase(), arg: '' };
  return { verb: trimmed.slice(0, space).toUpperCase(), arg: trimmed.slice(space + 1) };
}

/**
 * Format a reply (RFC 959 4.2). One line: `CODE text`. Several: `CODE-first`, the middle lines, and
 * `CODE last`; a middle line that starts with a digit is indented one space so no client takes it
 * for the end of the reply. Text never contains CR or LF: embedded ones split lines.
 */
export function formatReply(code: number, text: string | readonly string[]): string {
  const lines = (typeof text === 'string' ? [text] : text).flatMap((t) => t.split(/\r\n|\r|\n/u));
  if (lines.length <= 1) return `${code} ${lines[0] ?? ''}\r\n`;
  const last = lines.length - 1;
  return lines
    .map((line, i) => {
      if (i === 0) return `${code}-${line}\r\n`;
      if (i === last) return `${code} ${line}\r\n`;
      return /^\d/u.test(line) ? ` ${line}\r\n` : `${line}\r\n`;
    })
    .join('');
}

/** A path in double quotes with embedded quotes doubled, as in `257 "a ""b"" c" created` (RFC 959 appendix II). */
export function quotePath(path: string): string {
  return `"${path.replaceAll('"', '""')}"`;
}

/** A data-connection endpoint named by the client (PORT/EPRT) or offered by the server (PASV/EPSV). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `PORT h1,h2,h3,h4,p1,p2` (RFC 959 4.1.2); null when malformed. */
export function parsePort(arg: string): HostPort | null {
  const parts = arg.trim().split(',');
  if (parts.length !== 6 || !parts.every((p) => /^\d{1,3}$/u.test(p.trim()))) return null;
  const n = parts.map((p) => Number(p.trim()));
  if (n.some((v) => v > 255)) return null;
  const port = n[4]! * 256 + n[5]!;
  if (port === 0) return null;
  return { host: n.slice(0, 4).join('.'), port };
}

/** `EPRT |1|132.235.1.2|6275|` or `|2|::1|6275|` (RFC 2428 2); the delimiter is the first character. */
export type EprtResult = { readonly ok: true; readonly endpoint: HostPort } | { readonly ok: false; readonly reason: 'syntax' | 'protocol' };

export function parseEprt(arg: string): EprtResult {
  const text = arg.trim();
  const delim = text[0];
  if (delim === undefined || delim.charCodeAt(0) < 33 || delim.charCodeAt(0) > 126) return { ok: false, reason: 'syntax' };
  const fields = text.split(delim);
  // "|1|addr|port|" splits into ['', '1', 'addr', 'port', '']
  if (fields.length !== 5 || fields[0] !== '' || fields[4] !== '') return { ok: false, reason: 'syntax' };
  const [, proto, host = '', portText = ''] = fields;
  if (proto !== '1' && proto !== '2') return { ok: false, reason: 'protocol' };
  if (proto === '1' ? !isIPv4(host) : !isIPv6(host)) return { ok: false, reason: 'syntax' };
  if (!/^\d{1,5}$/u.test(portText)) return { ok: false, reason: 'syntax' };
  const port = Number(portText);
  if (port < 1 || port > 65535) return { ok: false, reason: 'syntax' };
  return { ok: true, endpoint: { host, port } };
}

/** The 227 text for PASV (RFC 959 4.1.2): IPv4 only. */
export function pasvText(host: string, port: number): string {
  return `Entering Passive Mode (${host.split('.').join(',')},${Math.floor(port / 256)},${port % 256}).`;
}

/** The 229 text for EPSV (RFC 2428 3): the port only; the host is the control connection's. */
export function epsvText(port: number): string {
  return `Entering Extended Passive Mode (|||${port}|)`;
}

/** TYPE argument (RFC 959 4.1.2): A, A N, I, L 8 are served; other forms are refused with 504. */
export function parseType(arg: string): 'A' | 'I' | 'unsupported' | 'syntax' {
  const words = arg.trim().toUpperCase().split(/\s+/u);
  switch (words[0]) {
    case 'A':
      return words.length === 1 || (words.length === 2 && words[1] === 'N') ? 'A' : 'unsupported';
    case 'I':
      return words.length === 1 ? 'I' : 'syntax';
    case 'L':
      return words.length === 2 && words[1] === '8' ? 'I' : 'unsupported';
    case 'E':
      return 'unsupported';
    default:
      return 'syntax';
  }
}

/** The path argument of LIST/NLST/STAT without the `ls` options many clients add (`LIST -la dir`). */
export function listPathArg(arg: string): string {
  let rest = arg.trim();
  while (/^-[A-Za-z]+(\s|$)/u.test(rest)) rest = rest.replace(/^-[A-Za-z]+\s*/u, '');
  return rest;
}

/** Same address, whatever the notation (`::ffff:a.b.c.d` for an IPv4 peer, `0:0::1` for `::1`). */
export function sameHost(a: string, b: string): boolean {
  return canonicalHost(a) === canonicalHost(b);
}

/** An address in one spelling: IPv4-mapped IPv6 as plain IPv4, IPv6 compressed and lower case. */
export function canonicalHost(host: string): string {
  if (isIPv6(host)) host = new SocketAddress({ address: host, family: 'ipv6' }).address;
  return unmapIPv4(host);
}

/** `::ffff:1.2.3.4` to `1.2.3.4`; anything else unchanged. */
export function unmapIPv4(host: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/iu.exec(host);
  return match?.[1] ?? host;
}
