// Room text <-> IRC text, and encoded lines for one event: built once, shared by every recipient.
import { MAX_BODY_BYTES, splitText } from './codec.js';
import { LineSlab } from './slab.js';

/** The room, as an IRC channel. */
export const CHANNEL = '#lobby';

/** True for the one channel, in any case (channel names fold like nicks). */
export function isLobby(name: string): boolean {
  return name.length === CHANNEL.length && name.toLowerCase() === CHANNEL;
}

/** The host part of a member's source: which door they came through, e.g. `udp.netroom`. */
export function hostOf(door: string): string {
  return `${door}.netroom`;
}

/** IRCv3 server-time tag (with the space that ends the tags section) for an event time. */
export function timeTag(at: number): string {
  return `@time=${new Date(at).toISOString()} `;
}

const ACTION_PREFIX = '/me ';

/**
 * Room text to IRC lines, CR LF after each: `:SOURCE VERB TARGET :piece`. Text is split at line
 * breaks and then to fit 510 bytes per line. A message starting with `/me ` (how IRC actions
 * enter the room, see {@link fromIrcText}) goes out as a CTCP ACTION again.
 */
export function textLines(source: string, verb: string, target: string, text: string): string {
  const head = `:${source} ${verb} ${target} :`;
  // Fast path: one short line (3 bytes per UTF-16 unit bounds its UTF-8 size).
  if ((head.length + text.length) * 3 <= MAX_BODY_BYTES && !text.includes('\n') && !text.startsWith(ACTION_PREFIX)) {
    return `${head}${text}\r\n`;
  }
  const room = MAX_BODY_BYTES - Buffer.byteLength(head);
  let out = '';
  let body = text;
  if (verb === 'PRIVMSG' && text.startsWith(ACTION_PREFIX)) {
    // The action is the first line; later lines (if any) are ordinary messages.
    const nl = text.indexOf('\n');
    const first = text.slice(ACTION_PREFIX.length, nl < 0 ? text.length : nl);
    body = nl < 0 ? '' : text.slice(nl + 1);
    const pieces = splitText(first, room - 9);
    if (pieces.length === 0) pieces.push(''); // "/me " alone: still one (empty) action
    for (const piece of pieces) out += `${head}\x01ACTION ${piece}\x01\r\n`;
  }
  for (const piece of splitText(body, room)) out += `${head}${piece}\r\n`;
  return out;
}

/** Prefix every line of `lines` (CR LF after each) with the time tag of `at`. */
export function tagLines(lines: string, at: number): string {
  const tag = timeTag(at);
  const inner = lines.slice(0, -2);
  return inner.includes('\r\n') ? `${tag}${inner.replaceAll('\r\n', `\r\n${tag}`)}\r\n` : tag + lines;
}

/**
 * Plain and server-time lines in slabs of their own: most recipients take one variant for every
 * event, so consecutive events they get are next to each other (one write range, see LineSlab).
 */
const plainSlab = new LineSlab();
const taggedSlab = new LineSlab();

/**
 * One event's wire form: the plain lines, and (built on first need) the same lines with a
 * server-time tag. Every recipient gets one of these two buffers; nothing is encoded per member.
 */
export class EncodedLines {
  readonly plain: Buffer;
  private taggedBuf: Buffer | undefined;

  constructor(
    private readonly lines: string,
    private readonly at: number,
  ) {
    this.plain = plainSlab.encode(lines);
  }

  /** The lines with `@time=`, for clients that enabled server-time. */
  get tagged(): Buffer {
    if (this.taggedBuf === undefined) {
      // Single line: prepend the tag's bytes to the plain buffer rather than encoding the text again.
      this.taggedBuf = this.lines.indexOf('\r\n') === this.lines.length - 2
        ? taggedSlab.prefixed(timeTag(this.at), this.plain)
        : taggedSlab.encode(tagLines(this.lines, this.at));
    }
    return this.taggedBuf;
  }
}

// mIRC colours (\x03 fg[,bg]), hex colours (\x04), bold, italics, underline, strike, monospace, reverse, reset.
// eslint-disable-next-line no-control-regex -- IRC formatting codes are control characters
const FORMATTING = /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/gu;
// eslint-disable-next-line no-control-regex -- any C0 control character means there may be something to strip
const HAS_CONTROL = /[\x00-\x1f]/u;

/** IRC text turned into room text, or a refusal: a CTCP other than ACTION has no room equivalent. */
export type RoomText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly ctcp: string };

/**
 * IRC message text to room text: a CTCP ACTION becomes `/me TEXT` (and back, see {@link textLines});
 * formatting codes are removed, as the room's other doors cannot show them and the room refuses
 * control characters.
 */
export function fromIrcText(text: string): RoomText {
  let out = text;
  if (out.charCodeAt(0) === 1) {
    const inner = out.slice(1, out.endsWith('\x01') ? -1 : undefined);
    const space = inner.indexOf(' ');
    const verb = (space < 0 ? inner : inner.slice(0, space)).toUpperCase();
    if (verb !== 'ACTION') return { ok: false, ctcp: verb };
    out = ACTION_PREFIX + (space < 0 ? '' : inner.slice(space + 1));
  }
  if (HAS_CONTROL.test(out)) out = out.replace(FORMATTING, '');
  return { ok: true, text: out };
}
