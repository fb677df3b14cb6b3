// `@name` mentions: whether a text names the reader, the predicate Markdown rendering marks names with, and the `@prefix` being typed.

// Names may hold most characters but never whitespace or `! @ , * ? :` (src/core/names.ts), so a
// mention ends at the first character a name cannot continue with. Letters, digits, marks, `_` and
// `-` continue a name; a `.` does only when more of the name follows (`@bob.` ends a sentence).
const CONTINUES = /^(?:[\p{L}\p{N}\p{M}_-]|\.[\p{L}\p{N}])/u;
// An `@` right after a letter or digit is an e-mail address or the like, not a mention.
const GLUED = /[\p{L}\p{N}\p{M}_]$/u;

/** Names are unique case-insensitively on the server; mentions match so too. */
function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Whether `text` mentions `myName` as a whole word `@name`, case-insensitively: `@Alice,` and
 * `(@alice)` do; `@alicex`, `@alice.x` and `bob@alice` do not.
 */
export function mentionsMe(text: string | undefined, myName: string | null | undefined): boolean {
  if (text === undefined || myName == null || myName === '') return false;
  const hay = fold(text);
  const needle = `@${fold(myName)}`;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    if (at > 0 && GLUED.test(hay.slice(Math.max(0, at - 2), at))) continue;
    if (!CONTINUES.test(hay.slice(at + needle.length, at + needle.length + 2))) return true;
  }
  return false;
}

/**
 * `isMember(name)` for the names of a room (or both sides of a conversation): what renderMarkdown's
 * `mention` option takes, so only `@name`s of people there are marked as mentions.
 */
export function memberPredicate(members: readonly string[]): (name: string) => boolean {
  const known = new Set(members.map(fold));
  return (name) => known.has(fold(name));
}

/** `isMe(name)`: whether a mentioned name is the reader's (for the `mention-me` mark). */
export function isMe(myName: string | null | undefined): (name: string) => boolean {
  const mine = myName == null ? null : fold(myName);
  return (name) => mine !== null && fold(name) === mine;
}

/**
 * The `mention` option of renderMarkdown (web/src/markdown.tsx): `'me'` for the reader's own name
 * (marked `mention-me`), true for another member of the room or conversation, false otherwise
 * (an `@word` that names nobody here stays plain text).
 */
export function mentionPredicate(members: readonly string[], myName: string | null | undefined): (name: string) => boolean | 'me' {
  const member = memberPredicate(members);
  const me = isMe(myName);
  return (name) => (me(name) ? 'me' : member(name));
}

/** The `@prefix` being typed just before the caret: where its `@` is, and what follows it. */
export interface MentionQuery {
  readonly start: number;
  readonly prefix: string;
}

/** The mention being typed at `caret` in `text`, or null when the caret is not in one. */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[^\p{L}\p{N}\p{M}_])@([^\s!@,*?:]{0,32})$/u.exec(before);
  if (!match) return null;
  const prefix = match[1] ?? '';
  return { start: caret - prefix.length - 1, prefix };
}

/** Names to offer for `prefix`: members whose name starts with it (case-insensitively), not the reader, at most `max`; none when the prefix already is the only one. */
export function mentionCandidates(members: readonly string[], prefix: string, me: string | null, max = 8): string[] {
  const want = fold(prefix);
  const mine = me === null ? null : fold(me);
  const seen = new Set<string>();
  const found: string[] = [];
  for (const name of members) {
    const folded = fold(name);
    if (folded === mine || seen.has(folded) || !folded.startsWith(want)) continue;
    seen.add(folded);
    found.push(name);
  }
  found.sort((a, b) => fold(a).localeCompare(fold(b)));
  // Typed out in full with nothing else to offer: no list, so Enter sends as usual.
  if (found.length === 1 && fold(found[0] ?? '') === want) return [];
  return found.slice(0, max);
}

/** The text with the mention at `query` replaced by `@name ` (a space after, to go on typing), and the caret after it. */
export function completeMention(text: string, caret: number, query: MentionQuery, name: string): { text: string; caret: number } {
  const after = text.slice(caret);
  const insert = `@${name}${after.startsWith(' ') ? '' : ' '}`;
  const next = text.slice(0, query.start) + insert + after;
  return { text: next, caret: query.start + insert.length + (after.startsWith(' ') ? 1 : 0) };
}
