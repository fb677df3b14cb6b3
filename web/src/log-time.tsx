// A log line's time: relative ("2 min ago") while recent, the exact time in the tooltip and in <time datetime>; and the clock that refreshes them.
import { useEffect, useState } from 'preact/hooks';
import { formatTime, type Lang, type Texts } from './i18n.js';
import { relativeTime } from './log-rows.js';

/** How often relative times are brought up to date. */
const TICK_MS = 30_000;

/** The time now, updated every {@link TICK_MS} while mounted (the timer goes with the component). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Properties of {@link LogTime}. */
export interface LogTimeProps {
  readonly at: number;
  readonly now: number;
  readonly t: Texts;
  readonly lang: Lang;
}

/** `<time>`: machine-readable datetime, the exact time on hover, a relative time shown. */
export function LogTime({ at, now, t, lang }: LogTimeProps) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTime(lang, at, 'full')}>
      {relativeTime(t, at, now, (when) => formatTime(lang, when))}
    </time>
  );
}
