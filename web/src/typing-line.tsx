// "alice is typing…" under the log of the room or conversation on screen.
import { useEffect, useState } from 'preact/hooks';
import type { Texts } from './i18n.js';
import type { TypingState } from './typing.js';

/** Who is typing in `key`, kept current as typing events come and expire. */
export function useTypists(typing: TypingState, key: string | null): string[] {
  const [names, setNames] = useState(() => typing.who(key));
  useEffect(() => {
    setNames(typing.who(key));
    return typing.subscribe(() => setNames(typing.who(key)));
  }, [typing, key]);
  return names;
}

/** The sentence for who is typing ('' when nobody is). */
export function typingText(t: Texts, names: readonly string[]): string {
  const [a, b] = names;
  if (a === undefined) return '';
  if (b === undefined) return t.typingOne(a);
  return names.length === 2 ? t.typingTwo(a, b) : t.typingMany;
}

/** The line itself: always there (so its height does not jump and a screen reader hears changes politely). */
export function TypingLine({ t, typing, convKey }: { t: Texts; typing: TypingState; convKey: string | null }) {
  const names = useTypists(typing, convKey);
  return (
    <p id="typing" class="typing" aria-live="polite" data-names={names.join(' ')}>
      {typingText(t, names)}
    </p>
  );
}
