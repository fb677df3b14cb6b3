// What the viewer makes of a file, by its name: image, PDF, audio, video, Markdown, text or code, or nothing it can show.

/** How the viewer shows a file. */
export type ViewKind = 'image' | 'pdf' | 'audio' | 'video' | 'markdown' | 'text' | 'other';

/** Largest text, code or Markdown file shown in the viewer; beyond it, a download. */
export const TEXT_LIMIT = 1024 * 1024;

const KINDS: ReadonlyArray<readonly [ViewKind, readonly string[]]> = [
  // SVG is shown through <img>, where it is a picture and its scripts never run.
  ['image', ['png', 'jpg', 'jpeg', 'jpe', 'jfif', 'gif', 'webp', 'avif', 'bmp', 'ico', 'svg']],
  ['pdf', ['pdf']],
  ['audio', ['mp3', 'ogg', 'oga', 'opus', 'wav', 'flac', 'm4a', 'aac', 'weba']],
  ['video', ['mp4', 'm4v', 'webm', 'ogv', 'mov']],
  ['markdown', ['md', 'markdown', 'mdown', 'mkd']],
  // Web pages and scripts are text here: shown, never run.
  [
    'text',
    ['txt', 'text', 'log', 'csv', 'tsv', 'json', 'jsonl', 'ndjson', 'xml', 'html', 'htm', 'xhtml', 'css', 'scss', 'less', 'js', 'mjs', 'cjs', 'jsx', 'ts',
      'mts', 'cts', 'tsx', 'vue', 'svelte', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'properties', 'env', 'sh', 'bash', 'zsh', 'fish', 'ps1', 'bat',
      'cmd', 'py', 'rb', 'pl', 'php', 'lua', 'r', 'go', 'rs', 'java', 'kt', 'kts', 'scala', 'swift', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'cs',
      'fs', 'hs', 'ml', 'clj', 'ex', 'exs', 'erl', 'dart', 'sql', 'graphql', 'proto', 'diff', 'patch', 'tex', 'bib', 'rst', 'adoc', 'org', 'srt',
      'vtt', 'gitignore', 'gitattributes', 'editorconfig', 'dockerignore', 'lock'],
  ],
];

const BY_EXTENSION = new Map<string, ViewKind>(KINDS.flatMap(([kind, exts]) => exts.map((ext) => [ext, kind] as const)));
// Files that are text by name alone.
const TEXT_NAMES = new Set(['readme', 'license', 'licence', 'copying', 'authors', 'changelog', 'notice', 'makefile', 'dockerfile', 'containerfile', 'procfile', 'gemfile']);

/** The viewer's kind of a file name (case does not matter). */
export function viewKind(name: string): ViewKind {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  if (dot < 0 || dot === 0) {
    const bare = dot === 0 ? lower.slice(1) : lower;
    return TEXT_NAMES.has(lower) || BY_EXTENSION.get(bare) === 'text' ? 'text' : 'other';
  }
  return BY_EXTENSION.get(lower.slice(dot + 1)) ?? (TEXT_NAMES.has(lower.slice(0, dot)) ? 'text' : 'other');
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The image files among a folder's entries, in the order a person reads names (`img2` before `img10`). */
export function imagesOf(entries: ReadonlyArray<{ name: string; type: string }>): string[] {
  return entries
    .filter((e) => e.type === 'file' && viewKind(e.name) === 'image')
    .map((e) => e.name)
    .sort(collator.compare);
}

/** The image `step` places from `name` among `images`, going round at the ends; null when there is nowhere to go. */
export function stepImage(images: readonly string[], name: string, step: 1 | -1): string | null {
  const at = images.indexOf(name);
  if (at < 0 || images.length < 2) return null;
  return images[(at + step + images.length) % images.length] ?? null;
}
