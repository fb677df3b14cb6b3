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
  | { readonly kind: 'H'; readonly name: string };

/** The request kinds of the wire: login, chat, quit, heartbeat (our extension). */
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
 * Decode one datagram: `L NAME`, `C NAME TEXT`, `Q NAME` or `H NAME`, UTF-8.
 * One trailing `\n` or `\r\n` is dropped (people test with `nc -u`). Name contents are not
 * judged here: an empty or odd name is for the room (L) or the door's binding (C/Q/H) to refuse,
 * so the person gets the precise reason (BAD_NAME, NOT_IN_ROOM) rather than a generic one.
 */
export function decodeRequest(buf: Buffer): DecodeResult {
  let end = buf.length;
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
    default:
      return bad('unknown request; expected L NAME, C NAME TEXT, Q NAME or H NAME');
  }
}

/** Encode a request for the wire (used by the client; the name and text are sent as given). */
export function encodeRequest(request: UdpRequest): Buffer {
  const line = request.kind === 'C' ? `C ${request.name} ${request.text}` : `${request.kind} ${request.name}`;
  return Buffer.from(line, 'utf8');
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
