// IRC wire format, pure: byte stream -> lines, line -> message (IRCv3 tags, source, params), message -> line.
import { isUtf8 } from 'node:buffer';
import { utf8Boundary } from '../../core/utf8.js';

/** Longest line without tags, CR LF included (RFC 1459 2.3, RFC 2812 2.3). */
export const MAX_LINE_BYTES = 512;
/** Longest line body the server sends or accepts: 512 less CR LF. */
export const MAX_BODY_BYTES = MAX_LINE_BYTES - 2;
/** Longest tags section, leading `@` and trailing space included (IRCv3 message-tags). */
export const MAX_TAGS_BYTES = 8191;
/** Longest raw line the decoder keeps: a full tags section plus a full line. Anything longer is dropped. */
export const MAX_RAW_LINE_BYTES = MAX_TAGS_BYTES + MAX_LINE_BYTES;

/** One IRC message. Tags are unescaped; `params` includes the trailing parameter (without its `:`). */
export interface IrcMessage {
  readonly tags?: Readonly<Record<string, string>>;
  readonly source?: string;
  /** Upper-cased verb or three-digit numeric. */
  readonly command: string;
  readonly params: readonly string[];
}

/** What the line decoder yields: a line's bytes (no terminator), or OVERLONG for a line it dropped. */
export const OVERLONG = Symbol('overlong line');
export type DecodedLine = Buffer | typeof OVERLONG;

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/**
 * Incremental line splitter. CR LF, a lone LF and a lone CR all end a line (RFC 2812 2.3.1
 * allows either; modern clients send CR LF, some scripts only LF), so a CR can never reach a
 * parsed message. Empty lines are skipped. A line longer than `maxBytes` is yielded once as
 * OVERLONG and its bytes are discarded up to the next line end: the connection goes on.
 */
export class LineDecoder {
  private rest: Buffer = EMPTY;
  private discarding = false;

  constructor(private readonly maxBytes: number = MAX_RAW_LINE_BYTES) {}

  /** Feed received bytes; returns the complete lines they finish, in order. */
  push(chunk: Buffer): DecodedLine[] {
    const data = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const out: DecodedLine[] = [];
    const max = this.maxBytes;
    // Positions of the next LF and CR, searched again only once passed: linear in the chunk.
    let nextLf = -2;
    let nextCr = -2;
    let start = 0;
    for (;;) {
      if (nextLf !== -1 && nextLf < start) nextLf = data.indexOf(LF, start);
      if (nextCr !== -1 && nextCr < start) nextCr = data.indexOf(CR, start);
      const end = nextLf < 0 ? nextCr : nextCr < 0 ? nextLf : Math.min(nextLf, nextCr);
      if (end < 0) break;
      if (this.discarding) this.discarding = false;
      else if (end - start > max) out.push(OVERLONG);
      else if (end > start) out.push(data.subarray(start, end));
      start = end + 1;
    }
    const left = data.length - start;
    if (left > max) {
      if (!this.discarding) out.push(OVERLONG);
      this.discarding = true;
      this.rest = EMPTY;
    } else if (this.discarding || left === 0) {
      this.rest = EMPTY;
    } else {
      // Copy: a view would keep the whole (up to 64 KiB) chunk alive for a few bytes.
      this.rest = Buffer.from(data.subarray(start));
    }
    return out;
  }

  /** Bytes held back waiting for a line end. */
  get pending(): number {
    return this.rest.length;
  }
}

/**
 * Bytes to text: UTF-8, or Latin-1 when the bytes are not valid UTF-8 (old clients and scripts
 * still send ISO-8859-1; decoding that as UTF-8 would turn every accented letter into U+FFFD).
 */
export function decodeText(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/** Why a line is refused before parsing: its tags section or its body is over the limit. */
export type LineTooLong = 'tags-too-long' | 'line-too-long';

const SPACE = 0x20;
const AT = 0x40;

/**
 * Check the IRCv3 length limits on a received line's bytes: the tags section (with `@` and its
 * space) at most 8191 bytes, the rest at most 510. Null when the line is within them.
 */
export function checkLineLength(bytes: Buffer): LineTooLong | null {
  if (bytes.length <= MAX_BODY_BYTES) return null;
  if (bytes[0] !== AT) return 'line-too-long';
  const space = bytes.indexOf(SPACE);
  if (space < 0 || space + 1 > MAX_TAGS_BYTES) return 'tags-too-long';
  let body = space + 1;
  while (bytes[body] === SPACE) body += 1;
  return bytes.length - body > MAX_BODY_BYTES ? 'line-too-long' : null;
}

function skipSpaces(line: string, pos: number): number {
  while (line.charCodeAt(pos) === SPACE) pos += 1;
  return pos;
}

/**
 * Parse one line (no CR LF) per the IRCv3 message format: `[@tags ][:source ]COMMAND params [:trailing]`.
 * Lenient about repeated spaces; the command is upper-cased. Null for a line without a command
 * (blank, or only tags and a source). Lengths are the caller's business ({@link checkLineLength}).
 */
export function parseLine(line: string): IrcMessage | null {
  let pos = skipSpaces(line, 0);
  let tags: Record<string, string> | undefined;
  if (line.charCodeAt(pos) === AT) {
    const space = line.indexOf(' ', pos);
    if (space < 0) return null;
    tags = parseTags(line.slice(pos + 1, space));
    pos = skipSpaces(line, space + 1);
  }
  let source: string | undefined;
  if (line.charCodeAt(pos) === 0x3a /* : */) {
    const space = line.indexOf(' ', pos);
    if (space < 0) return null;
    source = line.slice(pos + 1, space);
    pos = skipSpaces(line, space + 1);
  }
  if (pos >= line.length) return null;
  let space = line.indexOf(' ', pos);
  const command = line.slice(pos, space < 0 ? line.length : space).toUpperCase();
  const params: string[] = [];
  pos = space < 0 ? line.length : space;
  for (;;) {
    pos = skipSpaces(line, pos);
    if (pos >= line.length) break;
    if (line.charCodeAt(pos) === 0x3a /* : */) {
      params.push(line.slice(pos + 1));
      break;
    }
    space = line.indexOf(' ', pos);
    const end = space < 0 ? line.length : space;
    params.push(line.slice(pos, end));
    pos = end;
  }
  if (tags === undefined && source === undefined) return { command, params };
  if (source === undefined) return { tags, command, params };
  return tags === undefined ? { source, command, params } : { tags, source, command, params };
}

/** Parse the tags section (without `@`): `key[=value]` separated by `;`, values unescaped; last one wins. */
export function parseTags(section: string): Record<string, string> {
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const item of section.split(';')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === '') continue;
    tags[key] = eq < 0 ? '' : unescapeTagValue(item.slice(eq + 1));
  }
  return tags;
}

const TAG_UNESCAPES: Readonly<Record<string, string>> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

/** IRCv3 tag value unescaping: `\:` `\s` `\\` `\r` `\n`; any other `\x` is `x`; a trailing lone `\` is dropped. */
export function unescapeTagValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    i += 1;
    if (i >= value.length) break;
    const next = value[i] as string;
    out += TAG_UNESCAPES[next] ?? next;
  }
  return out;
}

/** IRCv3 tag value escaping, the inverse of {@link unescapeTagValue}. */
export function escapeTagValue(value: string): string {
  return value.replace(/[; \\\r\n]/gu, (ch) => {
    switch (ch) {
      case ';':
        return '\\:';
      case ' ':
        return '\\s';
      case '\\':
        return '\\\\';
      case '\r':
        return '\\r';
      default:
        return '\\n';
    }
  });
}

// NUL, CR and LF end or corrupt a line; they never leave the server inside a parameter.
const LINE_BREAKERS = /[\0\r\n]/gu;

/** A middle parameter must be non-empty, without spaces and not start with `:` (RFC 2812 2.3.1). */
function middle(param: string): string {
  let p = param.replace(LINE_BREAKERS, '');
  if (p.includes(' ')) p = p.replaceAll(' ', '_');
  if (p.charCodeAt(0) === 0x3a) p = p.replace(/^:+/u, '');
  return p === '' ? '*' : p;
}

/**
 * Serialize a message to one line without CR LF. Middle parameters that came from a client and
 * would break the line (spaces, a leading `:`, empty) are made safe rather than trusted; the last
 * parameter gets a `:` when it needs one. No length limit here: see {@link fitLine}.
 */
export function serialize(message: IrcMessage): string {
  let line = '';
  if (message.tags) {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(message.tags)) parts.push(value === '' ? key : `${key}=${escapeTagValue(value)}`);
    if (parts.length > 0) line += `@${parts.join(';')} `;
  }
  if (message.source !== undefined) line += `:${message.source} `;
  line += message.command;
  const { params } = message;
  for (let i = 0; i < params.length; i++) {
    const param = params[i] as string;
    if (i < params.length - 1) {
      line += ` ${middle(param)}`;
    } else {
      const last = param.replace(LINE_BREAKERS, '');
      line += last === '' || last.includes(' ') || last.charCodeAt(0) === 0x3a ? ` :${last}` : ` ${last}`;
    }
  }
  return line;
}

/** Encode a line body (no CR LF), cutting it at a UTF-8 boundary to at most 510 bytes: the last safety net. */
export function fitLine(line: string): Buffer {
  const buf = Buffer.from(line + '\r\n', 'utf8');
  if (buf.length <= MAX_LINE_BYTES) return buf;
  const keep = utf8Boundary(buf, 0, MAX_BODY_BYTES);
  return Buffer.concat([buf.subarray(0, keep), Buffer.from('\r\n')]);
}

/**
 * Split message text into pieces that each fit `maxBytes` of UTF-8: first at line breaks (room
 * messages may hold several lines; empty lines are dropped, IRC has no empty message), then at
 * character boundaries, preferring the last space in the second half of a piece so words stay whole.
 */
export function splitText(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError('maxBytes must leave room for a 4-byte character');
  const pieces: string[] = [];
  for (const line of text.includes('\n') ? text.split('\n') : [text]) {
    if (line === '') continue;
    // UTF-16 units x 3 bounds the UTF-8 size from above: most lines skip the byte count.
    if (line.length * 3 <= maxBytes || Buffer.byteLength(line) <= maxBytes) {
      pieces.push(line);
      continue;
    }
    const buf = Buffer.from(line, 'utf8');
    for (let start = 0; start < buf.length; ) {
      let length = utf8Boundary(buf, start, maxBytes);
      if (start + length < buf.length) {
        const space = buf.lastIndexOf(SPACE, start + length - 1);
        if (space >= start + (length >> 1)) length = space + 1 - start;
      }
      pieces.push(buf.toString('utf8', start, start + length));
      start += length;
    }
  }
  return pieces;
}
