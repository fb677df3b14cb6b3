// Markdown block parsing (a CommonMark subset): paragraphs, fenced and indented code, quotes, lists, and in documents headings, rules and tables.
import { parseInline } from './markdown-inline.js';
import type { Align, Block, Inline, MarkdownMode, MarkdownOptions } from './markdown-types.js';

/*
 * Line by line, each container (quote, list item) gathering its lines and parsing them again as
 * blocks. Raw HTML is never recognised: `<script>` is text like any other. Nesting deeper than
 * MAX_NESTING is read as paragraphs, so `>>>>...` a megabyte long cannot exhaust the stack.
 */

const MAX_NESTING = 16;

const FENCE = /^( {0,3})(`{3,}|~{3,})([^`]*)$/;
const QUOTE = /^ {0,3}> ?/;
const BULLET = /^( {0,3})([-+*])( {1,4}|$)/;
const ORDERED = /^( {0,3})(\d{1,9})([.)])( {1,4}|$)/;
const HEADING = /^ {0,3}(#{1,6})(?=[ \t]|$)/;
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
// Written so no two `[ \t]*` can share the same spaces: no backtracking blow-up on a long line.
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?(?:[ \t]*\|[ \t]*:?-+:?)*(?:[ \t]*\|)?[ \t]*$/;

const blank = (line: string): boolean => line.trim() === '';
const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Tabs in the leading whitespace become spaces to the next multiple of four (CommonMark 2.2). */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  let i = 0;
  for (; i < line.length; i += 1) {
    const c = line.charAt(i);
    if (c === ' ') out += ' ';
    else if (c === '\t') out += ' '.repeat(4 - (out.length % 4));
    else break;
  }
  return out + line.slice(i);
}

/** The whole text as blocks. */
export function parseBlocks(text: string, mode: MarkdownMode, options: MarkdownOptions = {}): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD').split('\n').map(expandTabs);
  return new BlockParser(mode, options).blocks(lines, 0);
}

interface ListMarker {
  ordered: boolean;
  /** The bullet character, or the ordered list's `.` or `)`: a different one starts a new list. */
  kind: string;
  start: number;
  /** Columns from the line's start to the item's content. */
  width: number;
  rest: string;
}

function listMarker(line: string): ListMarker | null {
  const b = BULLET.exec(line);
  if (b !== null) {
    const [all, , kind = '-', gap = ''] = b;
    const width = gap.length === 0 ? all.length + 1 : gap.length > 4 ? all.length - gap.length + 1 : all.length;
    return { ordered: false, kind, start: 1, width, rest: line.slice(all.length) };
  }
  const o = ORDERED.exec(line);
  if (o !== null) {
    const [all, , digits = '1', kind = '.', gap = ''] = o;
    const width = gap.length === 0 ? all.length + 1 : all.length;
    return { ordered: true, kind, start: Number(digits), width, rest: line.slice(all.length) };
  }
  return null;
}

class BlockParser {
  constructor(
    private readonly mode: MarkdownMode,
    private readonly options: MarkdownOptions,
  ) {}

  private inline(text: string): Inline[] {
    return parseInline(text, this.mode, this.options);
  }

  /** Whether a line begins a block that may interrupt a paragraph. */
  private interrupts(line: string, depth: number): boolean {
    if (FENCE.test(line)) return true;
    if (depth < MAX_NESTING && QUOTE.test(line)) return true;
    if (this.mode === 'document' && (HEADING.test(line) || RULE.test(line))) return true;
    const marker = depth < MAX_NESTING ? listMarker(line) : null;
    // An empty item or a numbered one not starting at 1 cannot interrupt a paragraph (CommonMark 5.3).
    return marker !== null && !blank(marker.rest) && (!marker.ordered || marker.start === 1);
  }

  blocks(lines: readonly string[], depth: number): Block[] {
    const out: Block[] = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i] ?? '';
      if (blank(line)) {
        i += 1;
        continue;
      }
      const fence = FENCE.exec(line);
      if (fence !== null && !(fence[2]?.startsWith('`') === true && (fence[3] ?? '').includes('`'))) {
        i = this.fenced(lines, i, fence, out);
        continue;
      }
      if (indentOf(line) >= 4) {
        i = this.indented(lines, i, out);
        continue;
      }
      if (this.mode === 'document') {
        const heading = HEADING.exec(line);
        if (heading !== null) {
          const level = (heading[1] ?? '#').length as 1 | 2 | 3 | 4 | 5 | 6;
          // The optional closing `#`s (after a space, or the whole content) are not part of the text.
          const content = line.slice(heading[0].length).trim().replace(/(?:^|[ \t])#+$/, '').trim();
          out.push({ type: 'heading', level, children: this.inline(content) });
          i += 1;
          continue;
        }
        if (RULE.test(line)) {
          out.push({ type: 'hr' });
          i += 1;
          continue;
        }
      }
      if (depth < MAX_NESTING && QUOTE.test(line)) {
        i = this.quote(lines, i, depth, out);
        continue;
      }
      const marker = depth < MAX_NESTING ? listMarker(line) : null;
      if (marker !== null) {
        i = this.list(lines, i, depth, out);
        continue;
      }
      if (this.mode === 'document' && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1] ?? '') && line.includes('|')) {
        const next = this.table(lines, i, out);
        if (next !== i) {
          i = next;
          continue;
        }
      }
      i = this.paragraph(lines, i, depth, out);
    }
    return out;
  }

  private fenced(lines: readonly string[], start: number, fence: RegExpExecArray, out: Block[]): number {
    const indent = (fence[1] ?? '').length;
    const marks = fence[2] ?? '```';
    const lang = (fence[3] ?? '').trim().split(/\s+/)[0] ?? '';
    const body: string[] = [];
    let i = start + 1;
    for (; i < lines.length; i += 1) {
      const line = lines[i] ?? '';
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close !== null && close[1]?.charAt(0) === marks.charAt(0) && (close[1]?.length ?? 0) >= marks.length) {
        i += 1;
        break;
      }
      body.push(line.slice(Math.min(indent, indentOf(line))));
    }
    out.push({ type: 'code', lang, text: body.join('\n') });
    return i;
  }

  private indented(lines: readonly string[], start: number, out: Block[]): number {
    const body: string[] = [];
    let i = start;
    for (; i < lines.length; i += 1) {
      const line = lines[i] ?? '';
      if (blank(line)) body.push('');
      else if (indentOf(line) >= 4) body.push(line.slice(4));
      else break;
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    // Blank lines the block did not keep are given back to the caller.
    out.push({ type: 'code', lang: '', text: body.join('\n') });
    return i;
  }

  private quote(lines: readonly string[], start: number, depth: number, out: Block[]): number {
    const inner: string[] = [];
    let i = start;
    for (; i < lines.length; i += 1) {
      const line = lines[i] ?? '';
      const m = QUOTE.exec(line);
      if (m !== null) inner.push(line.slice(m[0].length));
      else if (!blank(line) && inner.length > 0 && !blank(inner[inner.length - 1] ?? '') && !this.interrupts(line, depth))
        inner.push(line); // a lazy continuation of the quoted paragraph
      else break;
    }
    out.push({ type: 'quote', children: this.blocks(inner, depth + 1) });
    return i;
  }

  private list(lines: readonly string[], start: number, depth: number, out: Block[]): number {
    const first = listMarker(lines[start] ?? '');
    if (first === null) return start + 1;
    const items: Block[][] = [];
    let tight = true;
    let i = start;
    let marker: ListMarker | null = first;
    while (marker !== null && marker.ordered === first.ordered && marker.kind === first.kind) {
      const body: string[] = [blank(marker.rest) ? '' : marker.rest];
      const width = marker.width;
      i += 1;
      let blankSeen = false;
      for (; i < lines.length; i += 1) {
        const line = lines[i] ?? '';
        if (blank(line)) {
          body.push('');
          blankSeen = true;
        } else if (indentOf(line) >= width) {
          if (blankSeen && body.some((l) => l !== '')) tight = false;
          body.push(line.slice(width));
          blankSeen = false;
        } else if (!blankSeen && !this.interrupts(line, depth) && listMarker(line) === null && !blank(body[body.length - 1] ?? ''))
          body.push(line); // a lazy continuation of the item's paragraph
        else break;
      }
      // Trailing blank lines belong between items (or after the list), not inside this one.
      let trailing = 0;
      while (body.length > 0 && body[body.length - 1] === '') {
        body.pop();
        trailing += 1;
      }
      items.push(this.blocks(body, depth + 1));
      marker = i < lines.length ? listMarker(lines[i] ?? '') : null;
      const same = marker !== null && marker.ordered === first.ordered && marker.kind === first.kind;
      if (trailing > 0 && same) tight = false;
      if (trailing > 0 && marker === null) i -= trailing;
    }
    out.push({ type: 'list', ordered: first.ordered, start: first.start, tight, items });
    return Math.max(i, start + 1);
  }

  private table(lines: readonly string[], start: number, out: Block[]): number {
    const cells = (line: string): string[] => {
      let t = line.trim();
      if (t.startsWith('|')) t = t.slice(1);
      if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
      // Split on unescaped pipes; `\|` stays a pipe inside the cell.
      return t.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
    };
    const head = cells(lines[start] ?? '');
    const align: Align[] = cells(lines[start + 1] ?? '').map((c) =>
      c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : null,
    );
    if (head.length !== align.length) return start;
    const rows: Inline[][][] = [];
    let i = start + 2;
    for (; i < lines.length; i += 1) {
      const line = lines[i] ?? '';
      if (blank(line) || this.interrupts(line, MAX_NESTING)) break;
      const row = cells(line);
      rows.push(align.map((_, k) => this.inline(row[k] ?? '')));
    }
    out.push({ type: 'table', align, head: head.map((c) => this.inline(c)), rows });
    return i;
  }

  private paragraph(lines: readonly string[], start: number, depth: number, out: Block[]): number {
    const text: string[] = [(lines[start] ?? '').trimStart()];
    let i = start + 1;
    for (; i < lines.length; i += 1) {
      const line = lines[i] ?? '';
      if (blank(line)) break;
      if (this.mode === 'document') {
        const setext = SETEXT.exec(line);
        if (setext !== null) {
          const level = setext[1]?.startsWith('=') === true ? 1 : 2;
          out.push({ type: 'heading', level, children: this.inline(text.join('\n').trim()) });
          return i + 1;
        }
      }
      if (this.interrupts(line, depth)) break;
      text.push(line.trimStart());
    }
    out.push({ type: 'paragraph', children: this.inline(text.join('\n').trimEnd()) });
    return i;
  }
}
