// renderMarkdown's Preact elements, looked at as plain objects in node (no DOM): tags, safe link attributes, text children only.
import type { VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../web/src/markdown-render.js';

type Shape = string | { tag: string; props?: Record<string, unknown>; children: Shape[] };

/** The element tree as tags, chosen props and children (vnode internals left out). */
function shape(node: unknown): Shape[] {
  if (node === null || node === undefined || node === false) return [];
  if (typeof node === 'string' || typeof node === 'number') return [String(node)];
  if (Array.isArray(node)) return node.flatMap(shape);
  const vnode = node as VNode<Record<string, unknown>>;
  const { children, ...props } = vnode.props as Record<string, unknown> & { children?: unknown };
  delete props.key;
  for (const name of Object.keys(props)) if (props[name] === undefined) delete props[name];
  const out: Shape = { tag: String(vnode.type), children: shape(children) };
  if (Object.keys(props).length > 0) out.props = props;
  return [out];
}

describe('renderMarkdown', () => {
  it('a one-paragraph message is its inline content, no <p>', () => {
    expect(shape(renderMarkdown('hi **there**\nnext', 'message'))).toEqual([
      'hi ',
      { tag: 'strong', children: ['there'] },
      { tag: 'br', children: [] },
      'next',
    ]);
  });

  it('links open in a new tab without opener or referrer; unsafe ones are text', () => {
    expect(shape(renderMarkdown('[a](https://e.example/) [b](javascript:alert(1))', 'message'))).toEqual([
      { tag: 'a', props: { href: 'https://e.example/', target: '_blank', rel: 'noopener noreferrer nofollow' }, children: ['a'] },
      ' [b](javascript:alert(1))',
    ]);
  });

  it('mentions are spans with mention / mention-me', () => {
    const mention = (name: string): boolean | 'me' => (name === 'ann' ? 'me' : name === 'bob');
    expect(shape(renderMarkdown('@bob and @ann', 'message', { mention }))).toEqual([
      { tag: 'span', props: { class: 'mention' }, children: ['@bob'] },
      ' and ',
      { tag: 'span', props: { class: 'mention mention-me' }, children: ['@ann'] },
    ]);
  });

  it('documents: headings, code with a language class, lists, quotes, rules, tables', () => {
    const text = '# T\n\n```js\nx < 1\n```\n\n1. a\n2. b\n\n> q\n\n---\n\n|h|\n|:-:|\n|c|';
    expect(shape(renderMarkdown(text, 'document'))).toEqual([
      { tag: 'h1', children: ['T'] },
      { tag: 'pre', children: [{ tag: 'code', props: { class: 'language-js' }, children: ['x < 1'] }] },
      {
        tag: 'ol',
        children: [
          { tag: 'li', children: [{ tag: 'span', props: { class: 'md-tight' }, children: ['a'] }] },
          { tag: 'li', children: [{ tag: 'span', props: { class: 'md-tight' }, children: ['b'] }] },
        ],
      },
      { tag: 'blockquote', children: [{ tag: 'p', children: ['q'] }] },
      { tag: 'hr', children: [] },
      {
        tag: 'div',
        props: { class: 'md-table' },
        children: [
          {
            tag: 'table',
            children: [
              { tag: 'thead', children: [{ tag: 'tr', children: [{ tag: 'th', props: { scope: 'col', style: { textAlign: 'center' } }, children: ['h'] }] }] },
              { tag: 'tbody', children: [{ tag: 'tr', children: [{ tag: 'td', props: { style: { textAlign: 'center' } }, children: ['c'] }] }] },
            ],
          },
        ],
      },
    ]);
  });

  it('HTML in the text is a string child, never markup; a strange code language gets no class', () => {
    expect(shape(renderMarkdown('<script>alert(1)</script>\n\n```"><x\nbody\n```', 'document'))).toEqual([
      { tag: 'p', children: ['<script>alert(1)</script>'] },
      { tag: 'pre', children: [{ tag: 'code', children: ['body'] }] },
    ]);
  });

  it('an ordered list not starting at 1 keeps its start', () => {
    expect(shape(renderMarkdown('7. x\n8. y', 'message'))).toMatchObject([{ tag: 'ol', props: { start: 7 } }]);
  });
});
