// Seed UDP chat protocol (SPEC 3.1), pure: datagram -> typed request, notice text -> <=1024-byte datagrams.
import { isUtf8 } from 'node:buffer';
import { utf8Boundary } from '../../core/utf8.js';
import { NetroomError } from '../../core/errors.js';

/** Largest datagram the server sends: the seeds' client reads with `recvfrom(1024)`. */
export const MAX_DATAGRAM = 1024;

/** The reply to a successful `L`, exactly as the seed client compares it. */
export const OK = 'OK';
/** Default heartbeat interval (`H NAME`), for the door's expiry and the client's sending alike. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

/** The reply to `Q` (and the last datagram on shutdown); the seed client exits on it. */
export const EXIT = 'EXIT';

/** One decoded request. `C` text is everything after the second space and may contain spaces. */
export type UdpRequest =
  | { readonly kind: 'L'; readonly name: string }
  | { readonly kind: 'C'; readonly name: string; readonly text: string }
  | { readonly kind: 'Q'; readonly name: string }
  | { readonly kind: 'H'; readonly name: string }
  /** A direct message to the member holding `to` (our extension; the seeds' client never sends it). */
  | { readonly kind: 'M'; readonly name: string; readonly to: string; readonly text: string };

/** The request kinds of the wire: login, chat, quit, heartbeat and direct message (our extensions). */
export type UdpRequestKind = UdpRequest['kind'];

/** Result of decoding: a request, or a BAD_REQUEST error to send back (decoding never throws). */
export type DecodeResult = { readonly ok: true; readonly request: UdpRequest } | { readonly ok: false; readonly error: NetroomError };

const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;

function bad(message: string): DecodeResult {
  return { ok: false, error: new NetroomError('BAD_REQUEST', message) };
}

/**
 * Decode one datagram: `L NAME`, `C NAME TEXT`, `Q NAME`, `H NAME` or `M NAME TO TEXT`, UTF-8.
 * One trailing `\n` or `\r\n` is dropped (people test with `nc -u`). Name contents are not
 * judged here: an empty or odd name is for the room (L) or the door's binding (C/Q/H) to refuse,
 * so the person gets the precise reason (BAD_NAME, NOT_IN_ROOM) rather than a generic one.
 */
export function decodeRequest(buf: Buffer): DecodeResult {
  let end = paddingStart(buf);
  if (end > 0 && buf[end - 1] === LF) {
    end -= 1;
    if (end > 0 && buf[end - 1] === CR) end -= 1;
  }
  if (end === 0) return bad('empty datagram; expected L NAME, C NAME TEXT, Q NAME or H NAME');
  const kind = buf[0];
  // "L" alone (no space) is as good as "L " with an empty name; anything else after the letter is not ours.
  if (end > 1 && buf[1] !== SPACE) return bad('unknown request; expected L NAME, C NAME TEXT, Q NAME or H NAME');
  if (!isUtf8(buf.subarray(0, end))) return bad('the datagram is not valid UTF-8');
  const rest = end > 2 ? buf.toString('utf8', 2, end) : '';
  switch (kind) {
    case 0x4c: // L
      return { ok: true, request: { kind: 'L', name: rest } };
    case 0x51: // Q
      return { ok: true, request: { kind: 'Q', name: rest } };
    case 0x48: // H
      return { ok: true, request: { kind: 'H', name: rest } };
    case 0x43: {
      // C: the seed server splits on ' ' and re-joins words 2.., i.e. the text is everything after the second space.
      const space = rest.indexOf(' ');
      const request: UdpRequest =
        space < 0 ? { kind: 'C', name: rest, text: '' } : { kind: 'C', name: rest.slice(0, space), text: rest.slice(space + 1) };
      return { ok: true, request };
    }
    case 0x4d: {
      // M (SPEC 5.1 extension): like C with the addressee as one more word before the text.
      const first = rest.indexOf(' ');
      const second = first < 0 ? -1 : rest.indexOf(' ', first + 1);
      if (first < 0 || second === first + 1 || rest.length === first + 1) return bad('M needs an addressee: M NAME TO TEXT');
      const name = rest.slice(0, first);
      if (second < 0) return { ok: true, request: { kind: 'M', name, to: rest.slice(first + 1), text: '' } };
      return { ok: true, request: { kind: 'M', name, to: rest.slice(first + 1, second), text: rest.slice(second + 1) } };
    }
    default:
      return bad('unknown request; expected L NAME, C NAME TEXT, Q NAME or H NAME');
  }
}

/**
 * Fewest spaces that make padding (see {@link paddingStart}). Far more than a trailing line end
 * from `nc -u` or a typo could hold, so an ordinary datagram is never read as padded.
 */
export const MIN_PADDING = 32;

/**
 * Size netroom's own client pads `L`, `Q` and `H` to. The door never answers a stranger with more
 * bytes than it sent (SPEC section 4), so a bare `L bob` can only get a short answer; padded, the
 * full error text fits (the longest ones name the name twice: 32 characters, 4 bytes each).
 */
export const PADDED_REQUEST = 512;

/**
 * Where the padding of an `L`, `Q` or `H` datagram starts (our extension; the seeds never send
 * it): a line break followed only by {@link MIN_PADDING} or more spaces is ignored. Anything else
 * returns `buf.length`. `C` and `M` are never padded: their text may hold line breaks and spaces.
 */
function paddingStart(buf: Buffer): number {
  const kind = buf[0];
  if (kind !== 0x4c && kind !== 0x51 && kind !== 0x48) return buf.length;
  const lf = buf.indexOf(LF, 1);
  if (lf < 0 || buf.length - lf - 1 < MIN_PADDING) return buf.length;
  for (let i = lf + 1; i < buf.length; i++) if (buf[i] !== SPACE) return buf.length;
  // Keep the LF: the usual trailing-line-end rule then drops it (and a CR before it).
  return lf + 1;
}

/**
 * Encode a request for the wire (used by the client; the name and text are sent as given).
 * With `padTo`, an `L`, `Q` or `H` is padded to that many bytes (at least {@link MIN_PADDING}
 * spaces after a line break), so the door may answer it with a full error text. `C` and `M` are
 * sent as they are.
 */
export function encodeRequest(request: UdpRequest, padTo = 0): Buffer {
  const line =
    request.kind === 'C'
      ? `C ${request.name} ${request.text}`
      : request.kind === 'M'
        ? `M ${request.name} ${request.to} ${request.text}`
        : `${request.kind} ${request.name}`;
  const buf = Buffer.from(line, 'utf8');
  if (request.kind === 'C' || request.kind === 'M' || padTo <= 0) return buf;
  const spaces = Math.max(MIN_PADDING, padTo - buf.length - 1);
  return Buffer.concat([buf, Buffer.from('\n' + ' '.repeat(spaces), 'latin1')]);
}

/**
 * Split `buf` into datagrams of at most `maxBytes` bytes at UTF-8 character boundaries (a
 * grapheme cluster may be split, a code point never). Views, not copies.
 */
export function splitUtf8(buf: Buffer, maxBytes: number = MAX_DATAGRAM): Buffer[] {
  if (maxBytes < 4) throw new RangeError('maxBytes must leave room for a 4-byte character');
  if (buf.length <= maxBytes) return [buf];
  const parts: Buffer[] = [];
  for (let start = 0; start < buf.length; ) {
    const length = utf8Boundary(buf, start, maxBytes);
    parts.push(buf.subarray(start, start + length));
    start += length;
  }
  return parts;
}

/**
 * A notice as the seed server sends it: a leading `\n` (the seed client prints `data + '\n发言：'`,
 * so the notice lands on its own line), split into datagrams of at most `maxBytes`. Only the
 * first datagram carries the `\n`; the concatenation is exactly `'\n' + text`.
 */
export function encodeNotice(text: string, maxBytes: number = MAX_DATAGRAM): Buffer[] {
  return splitUtf8(Buffer.from('\n' + text, 'utf8'), maxBytes);
}

/**
 * A direct reply (OK, EXIT, an error text) in ONE datagram: a reply to `L` is read by the seed
 * client with a single `recvfrom(1024)`, so a second datagram would be taken as the next answer.
 * Replies are short; an overlong one is truncated at a character boundary instead of split.
 */
export function encodeReply(text: string, maxBytes: number = MAX_DATAGRAM): Buffer {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= maxBytes ? buf : buf.subarray(0, utf8Boundary(buf, 0, maxBytes));
}

/**
 * The longest of `texts` (most informative first) that fits in `maxBytes`, for a reply to an
 * address that has not entered: it must never get more bytes than it sent (SPEC section 4, no
 * amplification). Null when not even the last one fits: the door then stays silent.
 */
export function fitReply(texts: readonly string[], maxBytes: number): Buffer | null {
  for (const text of texts) {
    const buf = Buffer.from(text, 'utf8');
    if (buf.length <= maxBytes) return buf;
  }
  return null;
}
