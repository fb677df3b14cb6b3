// `@name` completion in the composer: the names offered for the `@prefix` before the caret, picked with the keyboard or the mouse.
import type { Ref } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Texts } from './i18n.js';
import { completeMention, mentionCandidates, mentionQuery, type MentionQuery } from './mentions.js';

/** The id of the list of names, for `aria-controls`. */
export const MENTION_LIST_ID = 'mention-list';

/** What the composer wires into its textarea and renders under it. */
export interface MentionCompletion {
  /** Names offered now (none: the list is closed). */
  readonly options: readonly string[];
  readonly active: number;
  /** Look at the text and caret again (after input, a click, a caret move). */
  look(el: HTMLTextAreaElement): void;
  /** A key in the textarea: true when the list used it (arrows, Tab, Enter, Escape while open). */
  key(e: KeyboardEvent): boolean;
  pick(name: string): void;
  /** Close the list (the textarea lost focus). */
  close(): void;
  /** Attributes of the textarea that tie it to the list (the combobox pattern on a textbox). */
  readonly boxProps: Record<string, string | boolean | undefined>;
}

/**
 * Completion over `members` (a room's, or both sides of a conversation) for the draft; `me` is
 * never offered. The text and caret are the textarea's own; a pick rewrites the draft and puts
 * the caret after the name.
 */
export function useMentionCompletion(members: readonly string[], me: string | null, draft: string, setDraft: (text: string) => void, box: Ref<HTMLTextAreaElement>): MentionCompletion {
  const [at, setAt] = useState<{ query: MentionQuery; caret: number } | null>(null);
  const [active, setActive] = useState(0);
  const caretAfter = useRef<number | null>(null);
  const options = at === null ? [] : mentionCandidates(members, at.query.prefix, me);
  const open = options.length > 0;
  const current = Math.min(active, Math.max(0, options.length - 1));

  // The draft is a controlled value: once it is rendered, put the caret where the pick ended.
  useLayoutEffect(() => {
    const el = typeof box === 'object' && box !== null ? box.current : null;
    if (caretAfter.current === null || !el) return;
    el.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  }, [draft, box]);

  const pick = (name: string): void => {
    if (at === null) return;
    const done = completeMention(draft, at.caret, at.query, name);
    caretAfter.current = done.caret;
    setDraft(done.text);
    setAt(null);
  };
  return {
    options,
    active: current,
    look(el) {
      const caret = el.selectionStart;
      const query = caret === el.selectionEnd ? mentionQuery(el.value, caret) : null;
      if (query?.start !== at?.query.start || query?.prefix !== at?.query.prefix) setActive(0);
      setAt(query === null ? null : { query, caret });
    },
    key(e) {
      if (!open || e.isComposing || e.keyCode === 229) return false;
      const name = options[current];
      switch (e.key) {
        case 'ArrowDown':
          setActive((current + 1) % options.length);
          break;
        case 'ArrowUp':
          setActive((current - 1 + options.length) % options.length);
          break;
        case 'Enter':
        case 'Tab':
          if (e.shiftKey || name === undefined) return false;
          pick(name);
          break;
        case 'Escape':
          setAt(null);
          break;
        default:
          return false;
      }
      e.preventDefault();
      return true;
    },
    pick,
    close() {
      if (at !== null) setAt(null);
    },
    boxProps: {
      // A textarea may not take role=combobox (HTML-ARIA); a textbox with a listbox popup is the
      // same pattern for screen readers: the active option is read through aria-activedescendant.
      'aria-autocomplete': 'list',
      'aria-haspopup': 'listbox',
      'aria-controls': open ? MENTION_LIST_ID : undefined,
      'aria-activedescendant': open ? `mention-opt-${current}` : undefined,
    },
  };
}

/** The names offered, above the composer; a polite hint says how many and how to pick. */
export function MentionList({ t, completion }: { t: Texts; completion: MentionCompletion }) {
  const { options, active } = completion;
  return (
    <>
      <p class="sr-only" aria-live="polite">
        {options.length > 0 ? t.mentionHint(options.length) : ''}
      </p>
      {options.length > 0 && (
        <ul id={MENTION_LIST_ID} class="mention-list" role="listbox" aria-label={t.mentionListLabel}>
          {options.map((name, i) => (
            <li
              key={name}
              id={`mention-opt-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : undefined}
              // Keep the focus (and the caret) in the textarea.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => completion.pick(name)}
            >
              @{name}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
