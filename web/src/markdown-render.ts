// Markdown token tree to Preact elements with h() (never HTML strings); web/src/markdown.tsx re-exports it as renderMarkdown.
import { h, type ComponentChild, type ComponentChildren } from 'preact';
import { parseBlocks } from './markdown-blocks.js';
import type { Block, Inline, MarkdownMode, MarkdownOptions } from './markdown-types.js';

export type { MarkdownMode, MarkdownOptions } from './markdown-types.js';

/*
 * A .ts file written with h() rather than JSX, so the node tests (test/markdown*.test.ts, compiled
 * by the server's tsconfig, which has no JSX) can import it and look at the elements as plain
 * objects. Every string reaches the page as a text child, so nothing in a message becomes markup.
 */

type Child = ComponentChild;

function inlines(list: readonly Inline[]): Child[] {
  return list.map(inline);
}

function inline(node: Inline, key: number): Child {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'strong':
      return h('strong', { key }, inlines(node.children));
    case 'em':
      return h('em', { key }, inlines(node.children));
    case 'del':
      return h('del', { key }, inlines(node.children));
    case 'code':
      return h('code', { key }, node.text);
    case 'link':
      // A new tab, and no window.opener or Referer handed to whatever the link points at.
      return h('a', { key, href: node.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, inlines(node.children));
    case 'br':
      return h('br', { key });
    case 'mention':
      return h('span', { key, class: node.me ? 'mention mention-me' : 'mention' }, `@${node.name}`);
  }
}

function blocks(list: readonly Block[], tight = false): Child[] {
  return list.map((b, key) => block(b, key, tight));
}

function block(node: Block, key: number, tight: boolean): Child {
  switch (node.type) {
    case 'paragraph':
      // In a tight list an item's text stands without paragraph spacing.
      return tight ? h('span', { key, class: 'md-tight' }, inlines(node.children)) : h('p', { key }, inlines(node.children));
    case 'heading':
      return h(`h${node.level}`, { key }, inlines(node.children));
    case 'code': {
      const lang = /^[\w+-]{1,32}$/.test(node.lang) ? node.lang : '';
      return h('pre', { key }, h('code', lang === '' ? {} : { class: `language-${lang}` }, node.text));
    }
    case 'quote':
      return h('blockquote', { key }, blocks(node.children));
    case 'list': {
      const items = node.items.map((item, i) => h('li', { key: i }, blocks(item, node.tight)));
      return node.ordered ? h('ol', { key, start: node.start === 1 ? undefined : node.start }, items) : h('ul', { key }, items);
    }
    case 'hr':
      return h('hr', { key });
    case 'table': {
      const style = (i: number) => {
        const align = node.align[i];
        return align === null || align === undefined ? undefined : { textAlign: align };
      };
      return h(
        'div',
        { key, class: 'md-table' },
        h(
          'table',
          null,
          h('thead', null, h('tr', null, node.head.map((c, i) => h('th', { key: i, scope: 'col', style: style(i) }, inlines(c))))),
          h(
            'tbody',
            null,
            node.rows.map((row, r) => h('tr', { key: r }, row.map((c, i) => h('td', { key: i, style: style(i) }, inlines(c))))),
          ),
        ),
      );
    }
  }
}

/**
 * Markdown as Preact children. 'message' (a chat line): every newline breaks the line, no
 * headings or rules, and a message that is one paragraph comes back as its inline content (no
 * `<p>`), to sit inside the line's own element. 'document' (a Markdown file): headings, rules and
 * tables too; always block elements. Links only for http:, https: and mailto:, opened in a new tab
 * with rel="noopener noreferrer"; raw HTML is shown as text. `options.mention` marks `@name`.
 */
export function renderMarkdown(text: string, mode: MarkdownMode, options: MarkdownOptions = {}): ComponentChildren {
  let parsed: Block[];
  try {
    parsed = parseBlocks(text, mode, options);
  } catch {
    // Nesting deep enough to exhaust the stack (a hostile file): show the text as it is.
    return mode === 'document' ? h('pre', null, text) : text;
  }
  const only = parsed[0];
  if (mode === 'message' && parsed.length === 1 && only?.type === 'paragraph') return inlines(only.children);
  return blocks(parsed);
}
