// One event's wire form in the variants clients negotiate (plain, server-time, msgid and client tags, account, any mix): each built once, on first need.
import { escapeTagValue } from './codec.js';
import { EncodedLines, timeTag } from './lines.js';

/** Prefix every line of `lines` (CR LF after each) with `tags` (`@a=b;c ` form, trailing space included). */
export function prefixLines(lines: string, tags: string): string {
  const inner = lines.slice(0, -2);
  return inner.includes('\r\n') ? `${tags}${inner.replaceAll('\r\n', `\r\n${tags}`)}\r\n` : tags + lines;
}

/**
 * An event's lines for every recipient: `forMode(session.tagMode)` (bit 1 server-time, bit 2
 * message-tags' msgid, bit 4 account-tag's account). The plain and server-time variants are the
 * door's shared EncodedLines (the hot path); the others are built on first need, once per event.
 * Nothing is encoded per recipient.
 */
export class EventLines extends EncodedLines {
  private readonly variants: (Buffer | undefined)[] = [];

  constructor(
    private readonly text: string,
    private readonly time: number,
    private readonly msgid: string | undefined,
    /** The account of the member who caused the event (IRCv3 account-tag), if signed in. */
    private readonly account?: string,
    /**
     * Tags only message-tags clients get, beside msgid, already in wire form: `+typing=active`,
     * `+draft/reply=42` (values the door makes itself: nothing to escape).
     */
    private readonly clientTags?: string,
  ) {
    super(text, time);
  }

  /** The variant for a tag mode (see IrcSession.tagMode). */
  forMode(mode: number): Buffer {
    // Bits that have nothing to add for this event fall away first.
    let m = mode;
    if (this.msgid === undefined && this.clientTags === undefined) m &= ~2;
    if (this.account === undefined) m &= ~4;
    if (m === 0) return this.plain;
    if (m === 1) return this.tagged;
    let buf = this.variants[m];
    if (buf === undefined) {
      const tags: string[] = [];
      if (m & 4) tags.push(`account=${escapeTagValue(this.account ?? '')}`);
      if (m & 2 && this.msgid !== undefined) tags.push(`msgid=${this.msgid}`);
      if (m & 2 && this.clientTags !== undefined) tags.push(this.clientTags);
      if (m & 1) tags.push(timeTag(this.time).slice(1, -1));
      buf = Buffer.from(prefixLines(this.text, `@${tags.join(';')} `), 'utf8');
      this.variants[m] = buf;
    }
    return buf;
  }
}
