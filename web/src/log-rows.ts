// The chat log as rows: day separators between days, and lines grouped by author and minute (pure, for the windowed list).
import type { ChatItem } from './chat-items.js';
import type { Lang, Texts } from './i18n.js';

/** A row of the log: a day separator, or a line (grouped: same author and minute as the line above). */
export type LogRow =
  | { readonly kind: 'day'; readonly key: string; readonly at: number }
  | { readonly kind: 'item'; readonly key: string; readonly item: ChatItem; readonly grouped: boolean };

/** The local calendar day of `at`, as a sortable key. */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function groupable(item: ChatItem): boolean {
  return item.kind === 'message' || item.kind === 'dm';
}

/**
 * Rows for `items` (oldest first): a separator before the first line of each day, and a line
 * `grouped` when the line above it is a message of the same author said in the same minute.
 */
export function buildRows(items: readonly ChatItem[]): LogRow[] {
  const rows: LogRow[] = [];
  let day = '';
  let above: ChatItem | undefined;
  // A day seen again (lines out of order, a clock set back) gets a key of its own.
  const seen = new Map<string, number>();
  for (const item of items) {
    const today = dayKey(item.at);
    if (today !== day) {
      day = today;
      above = undefined;
      const times = (seen.get(today) ?? 0) + 1;
      seen.set(today, times);
      rows.push({ kind: 'day', key: times === 1 ? `day:${today}` : `day:${today}#${times}`, at: item.at });
    }
    const grouped =
      above !== undefined &&
      groupable(item) &&
      groupable(above) &&
      item.kind === above.kind &&
      (item.name ?? '').toLowerCase() === (above.name ?? '').toLowerCase() &&
      Math.floor(item.at / 60_000) === Math.floor(above.at / 60_000);
    rows.push({ kind: 'item', key: item.key, item, grouped });
    above = item;
  }
  return rows;
}

// Building a DateTimeFormat is costly: one per language.
const dayFormats = new Map<Lang, Intl.DateTimeFormat>();

/** A day separator's label: Today, Yesterday, or the date in the UI language. */
export function dayLabel(t: Texts, lang: Lang, at: number, now: number): string {
  const day = dayKey(at);
  if (day === dayKey(now)) return t.logToday;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === dayKey(yesterday.getTime())) return t.logYesterday;
  let format = dayFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
    dayFormats.set(lang, format);
  }
  return format.format(at);
}

/**
 * A line's time as people say it: "just now", "N min ago" within the hour, else the clock time
 * (the day is the separator's). `clock` formats the clock time.
 */
export function relativeTime(t: Texts, at: number, now: number, clock: (at: number) => string): string {
  const ago = now - at;
  if (ago < 60_000) return t.logJustNow;
  if (ago < 3_600_000) return t.logMinutesAgo(Math.floor(ago / 60_000));
  return clock(at);
}
