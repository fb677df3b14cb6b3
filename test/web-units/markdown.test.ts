// The Markdown parser's token tree (pure data, no DOM) and renderMarkdown's Preact elements, in node.
import { describe, expect, it } from 'vitest';
import { parseBlocks } from '../../web/src/markdown-blocks.js';
import { parseInline } from '../../web/src/markdown-inline.js';
import { safeHref } from '../../web/src/markdown-types.js';

const msg = (text: string, mention?: (name: string) => boolean | 'me') => parseInline(text, 'message', mention === undefined ? {} : { mention });
const doc = (text: string) => parseBlocks(text, 'document');
const t = (text: string) => ({ type: 'text', text });

describe('inline', () => {
  it('bold, italic, strikethrough and inline code', () => {
    expect(msg('a **b** *c* _d_ ~~e~~ `f*g*`')).toEqual([
      t('a '),
      { type: 'strong', children: [t('b')] },
      t(' '),
      { type: 'em', children: [t('c')] },
      t(' '),
      { type: 'em', children: [t('d')] },
      t(' '),
      { type: 'del', children: [t('e')] },
      t(' '),
      { type: 'code', text: 'f*g*' },
    ]);
  });

  it('nested and unbalanced emphasis', () => {
    expect(msg('***a***')).toEqual([{ type: 'em', children: [{ type: 'strong', children: [t('a')] }] }]);
    expect(msg('**a *b* c**')).toEqual([{ type: 'strong', children: [t('a '), { type: 'em', children: [t('b')] }, t(' c')] }]);
    expect(msg('*a')).toEqual([t('*a')]);
    expect(msg('a * b * c')).toEqual([t('a * b * c')]);
    expect(msg('**a*')).toEqual([t('*'), { type: 'em', children: [t('a')] }]);
  });

  it('underscores inside words stay (snake_case), tildes other than two stay', () => {
    expect(msg('snake_case_name and __init__')).toEqual([t('snake_case_name and '), { type: 'strong', children: [t('init')] }]);
    expect(msg('~a~ ~~~b~~~')).toEqual([t('~a~ ~~~b~~~')]);
  });

  it('backslash escapes and unmatched backticks', () => {
    expect(msg('\\*not\\* \\a')).toEqual([t('*not* \\a')]);
    expect(msg('``a`b`` `c')).toEqual([{ type: 'code', text: 'a`b' }, t(' `c')]);
    expect(msg('` `` `')).toEqual([{ type: 'code', text: '``' }]);
  });

  it('links with safe schemes; anything else is text as typed', () => {
    expect(msg('[site](https://example.com/a_(b)) x')).toEqual([
      { type: 'link', href: 'https://example.com/a_(b)', children: [t('site')] },
      t(' x'),
    ]);
    expect(msg('[**b**](mailto:a@example.com "title")')).toEqual([
      { type: 'link', href: 'mailto:a@example.com', children: [{ type: 'strong', children: [t('b')] }] },
    ]);
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example', 'files/a.txt', 'JAVASCRIPT:alert(1)']) {
      expect(msg(`[x](${bad})`)).toEqual([t(`[x](${bad})`)]);
    }
    expect(msg('[a] (b) [c]')).toEqual([t('[a] (b) [c]')]);
  });

  it('autolinks: <URL> and bare http(s) URLs without trailing punctuation', () => {
    expect(msg('see https://example.com/x?y=1. (and http://a.example/b_c)')).toEqual([
      t('see '),
      { type: 'link', href: 'https://example.com/x?y=1', children: [t('https://example.com/x?y=1')] },
      t('. (and '),
      { type: 'link', href: 'http://a.example/b_c', children: [t('http://a.example/b_c')] },
      t(')'),
    ]);
    expect(msg('<https://e.example/a*b*>')).toEqual([{ type: 'link', href: 'https://e.example/a*b*', children: [t('https://e.example/a*b*')] }]);
    expect(msg('<javascript:alert(1)> <script>')).toEqual([t('<javascript:alert(1)> <script>')]);
    expect(msg('*https://e.example*')).toEqual([{ type: 'em', children: [{ type: 'link', href: 'https://e.example/', children: [t('https://e.example')] }] }]);
  });

  it('message mode: every newline is a break; document mode: only two spaces or a backslash', () => {
    expect(msg('a\nb')).toEqual([t('a'), { type: 'br' }, t('b')]);
    expect(parseInline('a\nb  \nc\\\nd', 'document')).toEqual([t('a\nb'), { type: 'br' }, t('c'), { type: 'br' }, t('d')]);
  });

  it('mentions: the longest name the predicate accepts, me marked, not inside words or code', () => {
    const known = (name: string): boolean | 'me' => (name === 'me' ? 'me' : name === 'bob' || name === 'a.b');
    expect(msg("@bob's hi @me, @a.b. mail x@bob `@bob` @carol", known)).toEqual([
      { type: 'mention', name: 'bob', me: false },
      t("'s hi "),
      { type: 'mention', name: 'me', me: true },
      t(', '),
      { type: 'mention', name: 'a.b', me: false },
      t('. mail x@bob '),
      { type: 'code', text: '@bob' },
      t(' @carol'),
    ]);
    expect(msg('@bob')).toEqual([t('@bob')]);
  });
});

describe('blocks', () => {
  it('paragraphs, fenced and indented code, quotes', () => {
    expect(doc('one\ntwo\n\n```ts x\nconst a = `1`;\n\n```\n\n    indented\n      more\n\n> quoted\nlazy\n> > inner')).toEqual([
      { type: 'paragraph', children: [t('one\ntwo')] },
      { type: 'code', lang: 'ts', text: 'const a = `1`;\n' },
      { type: 'code', lang: '', text: 'indented\n  more' },
      {
        type: 'quote',
        children: [
          { type: 'paragraph', children: [t('quoted\nlazy')] },
          { type: 'quote', children: [{ type: 'paragraph', children: [t('inner')] }] },
        ],
      },
    ]);
  });

  it('an unclosed fence runs to the end; its content is never parsed', () => {
    expect(doc('~~~\n# not a heading\n**x**')).toEqual([{ type: 'code', lang: '', text: '# not a heading\n**x**' }]);
  });

  it('lists: tight and loose, ordered with a start, nested', () => {
    expect(doc('- a\n- b\n  - c\n\n3. x\n\n4. y')).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        tight: true,
        items: [
          [{ type: 'paragraph', children: [t('a')] }],
          [
            { type: 'paragraph', children: [t('b')] },
            { type: 'list', ordered: false, start: 1, tight: true, items: [[{ type: 'paragraph', children: [t('c')] }]] },
          ],
        ],
      },
      {
        type: 'list',
        ordered: true,
        start: 3,
        tight: false,
        items: [[{ type: 'paragraph', children: [t('x')] }], [{ type: 'paragraph', children: [t('y')] }]],
      },
    ]);
  });

  it('document mode: headings (ATX and setext), rules, tables', () => {
    expect(doc('# Title #\n## *Sub*\nText\n===\n\n---\n\n| a | b |\n|:--|--:|\n| 1 | `\\|` |\n| 2 |')).toEqual([
      { type: 'heading', level: 1, children: [t('Title')] },
      { type: 'heading', level: 2, children: [{ type: 'em', children: [t('Sub')] }] },
      { type: 'heading', level: 1, children: [t('Text')] },
      { type: 'hr' },
      {
        type: 'table',
        align: ['left', 'right'],
        head: [[t('a')], [t('b')]],
        rows: [
          [[t('1')], [{ type: 'code', text: '|' }]],
          [[t('2')], []],
        ],
      },
    ]);
  });

  it('message mode has no headings or rules', () => {
    expect(parseBlocks('# hi\n---', 'message')).toEqual([{ type: 'paragraph', children: [t('# hi'), { type: 'br' }, t('---')] }]);
  });

  it('raw HTML is text', () => {
    expect(doc('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>')).toEqual([
      { type: 'paragraph', children: [t('<script>alert(1)</script>')] },
      { type: 'paragraph', children: [t('<img src=x onerror=alert(1)>')] },
    ]);
  });

  it('hostile input stays linear and never throws', () => {
    const big = 200_000;
    const inputs = ['>'.repeat(big), '['.repeat(big), '`'.repeat(big) + 'a' + '``'.repeat(10), '*a '.repeat(big / 3), '_'.repeat(big),
      '- '.repeat(big / 2), '#' + ' '.repeat(big) + 'x', '|' + ' '.repeat(big) + 'x\n|-' + ' '.repeat(big) + 'x', 'a' + ' '.repeat(big) + 'b\nc',
      '**a '.repeat(big / 4) + 'b**'.repeat(big / 4)];
    for (const input of inputs) {
      expect(() => parseBlocks(input, 'document')).not.toThrow();
      expect(() => parseBlocks(input, 'message', { mention: () => false })).not.toThrow();
    }
  });
});

describe('safeHref', () => {
  it('keeps http, https and mailto only', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref('mailto:a@b.example')).toBe('mailto:a@b.example');
    expect(safeHref('java\nscript:alert(1)')).toBeNull();
    expect(safeHref('https:example.com')).toBe('https://example.com/');
    expect(safeHref('http://')).toBeNull();
    expect(safeHref('ftp://example.com')).toBeNull();
  });
});
