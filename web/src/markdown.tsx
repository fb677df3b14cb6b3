// Markdown for the web UI: renderMarkdown(text, mode, options?) -> Preact children (the parser and renderer live in markdown-*.ts).
export { renderMarkdown } from './markdown-render.js';
export type { MarkdownMode, MarkdownOptions } from './markdown-types.js';
