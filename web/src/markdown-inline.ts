// Markdown inline parsing: code spans, emphasis (CommonMark's delimiter runs), links with safe schemes, autolinks, mentions, breaks.
import { safeHref, type Inline, type MarkdownMode, type MarkdownOptions } from './markdown-types.js';

/*
 * One pass over the text builds a linked list of nodes (text, finished inlines, and delimiter runs
 * of `*`, `_`, `~~`); then CommonMark's "process emphasis" pairs the runs, with the openers-bottom
 * cache that keeps it linear on hostile input. Every scan that looks ahead is bounded (link labels
 * and addresses by length, code spans by a record of which closing runs are known to be absent),
 * so a megabyte of brackets or backticks costs a megabyte of work, not its square.
 */

interface Node {
  inline: Inline | null;
  /** Set on a delimiter run's node: the run, whose leftover characters print as text. */
  delim: Delim | null;
  /** An emphasis node's children, as a list between first and last. */
  first: Node | null;
  last: Node | null;
  kind: 'strong' | 'em' | 'del' | null;
  prev: Node | null;
  next: Node | null;
}

interface Delim {
  ch: '*' | '_' | '~';
  count: number;
  readonly orig: number;
  readonly canOpen: boolean;
  readonly canClose: boolean;
  readonly node: Node;
  prev: Delim | null;
  next: Delim | null;
}

const MAX_LABEL = 1000;
const MAX_DEPTH = 40;
const PUNCT = /[\p{P}\p{S}]/u;
const SPACE = /\s/u;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const BARE_URL = /https?:\/\/[^\s<>"]+/iy;
const MENTION = /[^\s!@,*?:<>[\]`]{1,32}/uy;
const WORD = /[\p{L}\p{N}_]/u;

function node(inline: Inline | null): Node {
  return { inline, delim: null, first: null, last: null, kind: null, prev: null, next: null };
}

/** The character before index i (a whole code point), or '' at the start. */
function before(s: string, i: number): string {
  if (i <= 0) return '';
  const c = s.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s.charAt(i - 1);
}

function after(s: string, i: number): string {
  const cp = s.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Trailing punctuation that ends a sentence rather than a bare URL (a `)` only when unbalanced). */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url.charAt(end - 1);
    if ('.,:;!?\'"*_~'.includes(last)) end -= 1;
    else if (last === ')') {
      const body = url.slice(0, end);
      const opens = body.split('(').length - 1;
      const closes = body.split(')').length - 1;
      if (closes > opens) end -= 1;
      else break;
    } else break;
    if (end === 0) break;
  }
  return url.slice(0, end);
}

/** Parses running text (one paragraph, heading or table cell) into inlines. */
export function parseInline(text: string, mode: MarkdownMode, options: MarkdownOptions = {}): Inline[] {
  return new InlineParser(text, mode, options, 0, false).run();
}

class InlineParser {
  private head: Node | null = null;
  private tail: Node | null = null;
  private firstDelim: Delim | null = null;
  private lastDelim: Delim | null = null;
  private buf = '';
  /** Lengths of backtick runs known to have no closing run after the point they were sought from. */
  private readonly noCloser = new Set<number>();
  /** Index of the first `]` at or after the last place one was sought (s.length for none). */
  private nextClose = -1;

  constructor(
    private readonly s: string,
    private readonly mode: MarkdownMode,
    private readonly options: MarkdownOptions,
    private readonly depth: number,
    private readonly inLink: boolean,
  ) {}

  run(): Inline[] {
    const s = this.s;
    let i = 0;
    while (i < s.length) {
      const ch = s.charAt(i);
      if (ch === '\\') i = this.escape(i);
      else if (ch === '\n') i = this.newline(i);
      else if (ch === '`') i = this.codeSpan(i);
      else if (ch === '*' || ch === '_' || ch === '~') i = this.delimiterRun(i, ch);
      else if (ch === '[' && !this.inLink && this.depth < MAX_DEPTH) i = this.link(i);
      else if (ch === '<' && !this.inLink) i = this.autolink(i);
      else if ((ch === 'h' || ch === 'H') && !this.inLink) i = this.bareUrl(i);
      else if (ch === '@' && this.options.mention !== undefined) i = this.mention(i);
      else {
        this.buf += ch;
        i += 1;
      }
    }
    this.flush();
    this.processEmphasis();
    return toInlines(this.head, 0);
  }

  private flush(): void {
    if (this.buf === '') return;
    const text = this.buf;
    this.buf = '';
    this.append(node({ type: 'text', text }));
  }

  private append(n: Node): void {
    n.prev = this.tail;
    if (this.tail === null) this.head = n;
    else this.tail.next = n;
    this.tail = n;
  }

  private push(inline: Inline): void {
    this.flush();
    this.append(node(inline));
  }

  private escape(i: number): number {
    const next = this.s.charAt(i + 1);
    if (next === '\n') {
      // A backslash at the end of a line is a hard break (CommonMark 6.7).
      this.push({ type: 'br' });
      return this.skipIndent(i + 2);
    }
    if (ASCII_PUNCT.test(next)) {
      this.buf += next;
      return i + 2;
    }
    this.buf += '\\';
    return i + 1;
  }

  private skipIndent(i: number): number {
    while (this.s.charAt(i) === ' ') i += 1;
    return i;
  }

  private newline(i: number): number {
    // Trailing spaces counted by hand: a regex anchored at the end rescans long runs of spaces.
    let end = this.buf.length;
    while (end > 0 && this.buf.charCodeAt(end - 1) === 32) end -= 1;
    const hard = this.mode === 'message' || this.buf.length - end >= 2;
    this.buf = this.buf.slice(0, end);
    if (hard) this.push({ type: 'br' });
    else this.buf += '\n';
    return this.skipIndent(i + 1);
  }

  private codeSpan(i: number): number {
    const s = this.s;
    let n = 0;
    while (s.charAt(i + n) === '`') n += 1;
    const from = i + n;
    if (!this.noCloser.has(n)) {
      let j = from;
      for (;;) {
        j = s.indexOf('`', j);
        if (j === -1) break;
        let m = 0;
        while (s.charAt(j + m) === '`') m += 1;
        if (m === n) {
          let body = s.slice(from, j).replace(/\n/g, ' ');
          if (body.length > 2 && body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') body = body.slice(1, -1);
          this.push({ type: 'code', text: body });
          return j + m;
        }
        j += m;
      }
      // No run of n backticks follows here, so none follows any later point either.
      this.noCloser.add(n);
    }
    this.buf += '`'.repeat(n);
    return from;
  }

  private delimiterRun(i: number, ch: '*' | '_' | '~'): number {
    const s = this.s;
    let n = 0;
    while (s.charAt(i + n) === ch) n += 1;
    // Strikethrough is exactly two tildes; any other run of them is text.
    if (ch === '~' && n !== 2) {
      this.buf += ch.repeat(n);
      return i + n;
    }
    const prev = before(s, i);
    const next = after(s, i + n);
    const prevSpace = prev === '' || SPACE.test(prev);
    const nextSpace = next === '' || SPACE.test(next);
    const prevPunct = PUNCT.test(prev);
    const nextPunct = PUNCT.test(next);
    const left = !nextSpace && (!nextPunct || prevSpace || prevPunct);
    const right = !prevSpace && (!prevPunct || nextSpace || nextPunct);
    // `_` inside a word (snake_case) neither opens nor closes (CommonMark 6.2, rules 2 and 4).
    const canOpen = ch === '_' ? left && (!right || prevPunct) : left;
    const canClose = ch === '_' ? right && (!left || nextPunct) : right;
    this.flush();
    const n0 = node(null);
    const d: Delim = { ch, count: n, orig: n, canOpen, canClose, node: n0, prev: this.lastDelim, next: null };
    n0.delim = d;
    this.append(n0);
    if (this.lastDelim === null) this.firstDelim = d;
    else this.lastDelim.next = d;
    this.lastDelim = d;
    return i + n;
  }

  private link(i: number): number {
    const s = this.s;
    // No `]` near enough: fail at once (a megabyte of `[` would otherwise be scanned MAX_LABEL times over).
    if (this.nextClose < i) this.nextClose = s.indexOf(']', i);
    if (this.nextClose === -1) this.nextClose = s.length;
    if (this.nextClose > i + MAX_LABEL) {
      this.buf += '[';
      return i + 1;
    }
    // The matching `]`, nesting counted, within MAX_LABEL characters.
    let depth = 0;
    let j = i + 1;
    const limit = Math.min(s.length, i + 1 + MAX_LABEL);
    for (; j < limit; j += 1) {
      const c = s.charAt(j);
      if (c === '\\') j += 1;
      else if (c === '[') depth += 1;
      else if (c === ']') {
        if (depth === 0) break;
        depth -= 1;
      }
    }
    if (j >= limit || s.charAt(j + 1) !== '(') {
      this.buf += '[';
      return i + 1;
    }
    const dest = /\(\s*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/y;
    dest.lastIndex = j + 1;
    const m = dest.exec(s.slice(0, j + 1 + 2100));
    if (m === null) {
      this.buf += '[';
      return i + 1;
    }
    const end = dest.lastIndex;
    const rawHref = (m[1] ?? '').replace(/^<|>$/g, '');
    const href = safeHref(rawHref);
    if (href === null) {
      // Not a link we make: shown as the writer typed it.
      this.buf += s.slice(i, end);
      return end;
    }
    const label = s.slice(i + 1, j);
    const children = new InlineParser(label, this.mode, this.options, this.depth + 1, true).run();
    this.push({ type: 'link', href, children: children.length > 0 ? children : [{ type: 'text', text: href }] });
    return end;
  }

  private autolink(i: number): number {
    const m = /<([a-z][a-z0-9+.-]{1,31}:[^\s<>]{1,2048})>/iy;
    m.lastIndex = i;
    const found = m.exec(this.s);
    const href = found === null ? null : safeHref(found[1] ?? '');
    if (found === null || href === null) {
      this.buf += '<';
      return i + 1;
    }
    this.push({ type: 'link', href, children: [{ type: 'text', text: found[1] ?? '' }] });
    return m.lastIndex;
  }

  private bareUrl(i: number): number {
    const prev = before(this.s, i);
    BARE_URL.lastIndex = i;
    const found = prev !== '' && WORD.test(prev) ? null : BARE_URL.exec(this.s);
    const url = found === null ? '' : trimUrl(found[0]);
    const href = url === '' ? null : safeHref(url);
    if (href === null) {
      this.buf += this.s.charAt(i);
      return i + 1;
    }
    this.push({ type: 'link', href, children: [{ type: 'text', text: url }] });
    return i + url.length;
  }

  private mention(i: number): number {
    const prev = before(this.s, i);
    const test = this.options.mention;
    MENTION.lastIndex = i + 1;
    const found = test === undefined || (prev !== '' && WORD.test(prev)) ? null : MENTION.exec(this.s);
    if (found !== null && test !== undefined) {
      const points = [...found[0]];
      for (let n = points.length; n > 0; n -= 1) {
        const name = points.slice(0, n).join('');
        const verdict = test(name);
        if (verdict !== false) {
          this.push({ type: 'mention', name, me: verdict === 'me' });
          return i + 1 + name.length;
        }
      }
    }
    this.buf += '@';
    return i + 1;
  }

  private removeDelim(d: Delim): void {
    if (d.prev === null) this.firstDelim = d.next;
    else d.prev.next = d.next;
    if (d.next === null) this.lastDelim = d.prev;
    else d.next.prev = d.prev;
  }

  private unlink(n: Node): void {
    if (n.prev === null) this.head = n.next;
    else n.prev.next = n.next;
    if (n.next === null) this.tail = n.prev;
    else n.next.prev = n.prev;
  }

  /** CommonMark's "process emphasis" (appendix), over the whole list. */
  private processEmphasis(): void {
    const bottoms = new Map<string, Delim | null>();
    let closer = this.firstDelim;
    while (closer !== null) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const key = `${closer.ch}${closer.canOpen ? 1 : 0}${closer.orig % 3}`;
      const bottom = bottoms.get(key);
      let opener = closer.prev;
      while (opener !== null && opener !== bottom) {
        if (opener.ch === closer.ch && opener.canOpen) {
          const both = opener.canClose || closer.canOpen;
          const odd = both && (opener.orig + closer.orig) % 3 === 0 && !(opener.orig % 3 === 0 && closer.orig % 3 === 0);
          if (!odd || closer.ch === '~') break;
        }
        opener = opener.prev;
      }
      if (opener === null || opener === bottom) {
        bottoms.set(key, closer.prev);
        const next: Delim | null = closer.next;
        if (!closer.canOpen) this.removeDelim(closer);
        closer = next;
        continue;
      }
      const use = closer.ch === '~' || (opener.count >= 2 && closer.count >= 2) ? 2 : 1;
      const wrap = node(null);
      wrap.kind = closer.ch === '~' ? 'del' : use === 2 ? 'strong' : 'em';
      const first = opener.node.next;
      const last = closer.node.prev;
      if (first !== null && last !== null && first !== closer.node) {
        wrap.first = first;
        wrap.last = last;
        first.prev = null;
        last.next = null;
      }
      opener.node.next = wrap;
      wrap.prev = opener.node;
      wrap.next = closer.node;
      closer.node.prev = wrap;
      // Runs between the pair can no longer pair with anything outside it.
      opener.next = closer;
      closer.prev = opener;
      opener.count -= use;
      closer.count -= use;
      if (opener.count === 0) {
        this.removeDelim(opener);
        this.unlink(opener.node);
      }
      if (closer.count === 0) {
        const next: Delim | null = closer.next;
        this.removeDelim(closer);
        this.unlink(closer.node);
        closer = next;
      }
    }
  }
}

/** The list as inlines: adjacent text merged, unpaired runs as text, nesting flattened past MAX_DEPTH. */
function toInlines(head: Node | null, depth: number): Inline[] {
  const out: Inline[] = [];
  const text = (t: string): void => {
    const last = out[out.length - 1];
    if (last !== undefined && last.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + t };
    else if (t !== '') out.push({ type: 'text', text: t });
  };
  // Past MAX_DEPTH the emphasis is dropped and its contents walked with a stack of our own:
  // ten thousand nested runs must not take ten thousand JavaScript frames.
  const pending: (Node | null)[] = [head];
  while (pending.length > 0) {
    let n = pending.pop() ?? null;
    for (; n !== null; n = n.next) {
      if (n.delim !== null) text(n.delim.ch.repeat(n.delim.count));
      else if (n.kind !== null) {
        if (depth < MAX_DEPTH) out.push({ type: n.kind, children: toInlines(n.first, depth + 1) });
        else {
          pending.push(n.next, n.first);
          break;
        }
      } else if (n.inline !== null) {
        if (n.inline.type === 'text') text(n.inline.text);
        else out.push(n.inline);
      }
    }
  }
  return out;
}
