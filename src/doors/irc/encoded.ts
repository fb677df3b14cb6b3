// One event's wire form in the variants clients negotiate (plain, server-time, msgid, both): each built once, on first need.
import { EncodedLines, timeTag } from './lines.js';

/** Prefix every line of `lines` (CR LF after each) with `tags` (`@a=b;c ` form, trailing space included). */
export function prefixLines(lines: string, tags: string): string {
  const inner = lines.slice(0, -2);
  return inner.includes('\r\n') ? `${tags}${inner.replaceAll('\r\n', `\r\n${tags}`)}\r\n` : tags + lines;
}

/**
 * An event's lines for every recipient: `forMode(session.tagMode)` (bit 1 server-time, bit 2
 * message-tags' msgid). The plain and server-time variants are the door's shared EncodedLines
 * (the hot path); the msgid ones are built on first need. Nothing is encoded per recipient.
 */
export class EventLines extends EncodedLines {
  private withId: Buffer | undefined;
  private withIdAndTime: Buffer | undefined;

  constructor(
    private readonly text: string,
    private readonly time: number,
    private readonly msgid: string | undefined,
  ) {
    super(text, time);
  }

  /** The variant for a tag mode (see IrcSession.tagMode). */
  forMode(mode: number): Buffer {
    if (mode === 0) return this.plain;
    if (mode === 1 || (mode === 3 && this.msgid === undefined)) return this.tagged;
    if (this.msgid === undefined) return this.plain;
    if (mode === 2) return (this.withId ??= Buffer.from(prefixLines(this.text, `@msgid=${this.msgid} `), 'utf8'));
    return (this.withIdAndTime ??= Buffer.from(prefixLines(this.text, `@msgid=${this.msgid};${timeTag(this.time).slice(1)}`), 'utf8'));
  }
}
