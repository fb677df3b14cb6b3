// Whether the screen is narrow enough for one pane at a time (the phone layout), kept up to date as it changes.
import { useEffect, useState } from 'preact/hooks';

/** The width below which the chat and the files are tabs (base.css uses the same figure). */
export const NARROW = '(max-width: 900px)';

/** True on narrow screens; re-renders when the window crosses the line (a phone turned, a window resized). */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const query = matchMedia(NARROW);
    const changed = (): void => setNarrow(query.matches);
    query.addEventListener('change', changed);
    changed();
    return () => query.removeEventListener('change', changed);
  }, []);
  return narrow;
}
