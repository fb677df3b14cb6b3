// The Markdown token tree: plain data between the parser (markdown-blocks.ts, markdown-inline.ts) and the renderer (markdown.tsx).

/** 'message': a chat line (every newline is a break; no headings or rules). 'document': a file. */
export type MarkdownMode = 'message' | 'document';

/** What the caller adds to the parse. */
export interface MarkdownOptions {
  /**
   * Whether `@name` names someone worth marking: true wraps it in `<span class="mention">`, 'me'
   * adds `mention-me` (it names the reader). Called with candidate names longest first, so
   * `@bob's` asks `bob's`, `bob'`, then `bob`.
   */
  readonly mention?: (name: string) => boolean | 'me';
}

/** A piece of running text. */
export type Inline =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'strong' | 'em' | 'del'; readonly children: readonly Inline[] }
  | { readonly type: 'code'; readonly text: string }
  /** Only ever with an http:, https: or mailto: address (see safeHref). */
  | { readonly type: 'link'; readonly href: string; readonly children: readonly Inline[] }
  | { readonly type: 'br' }
  | { readonly type: 'mention'; readonly name: string; readonly me: boolean };

export type Align = 'left' | 'center' | 'right' | null;

/** A block of a message or document. */
export type Block =
  | { readonly type: 'paragraph'; readonly children: readonly Inline[] }
  | { readonly type: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly children: readonly Inline[] }
  | { readonly type: 'code'; readonly lang: string; readonly text: string }
  | { readonly type: 'quote'; readonly children: readonly Block[] }
  | {
      readonly type: 'list';
      readonly ordered: boolean;
      readonly start: number;
      /** No blank line between or inside items: items show their text without paragraph spacing. */
      readonly tight: boolean;
      readonly items: readonly (readonly Block[])[];
    }
  | { readonly type: 'hr' }
  | {
      readonly type: 'table';
      readonly align: readonly Align[];
      readonly head: readonly (readonly Inline[])[];
      readonly rows: readonly (readonly (readonly Inline[])[])[];
    };

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * The address to link to, or null when it may not be a link: only absolute http:, https: and
 * mailto: addresses (a javascript:, data:, relative or scheme-relative address is shown as text).
 */
export function safeHref(raw: string): string | null {
  // Whitespace or controls inside would be dropped or reinterpreted by the URL parser.
  if (raw === '' || raw.length > 2048 || /[\s\p{Cc}]/u.test(raw)) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && url.hostname === '') return null;
  return url.href;
}
