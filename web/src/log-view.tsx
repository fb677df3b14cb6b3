// A windowed chat log: only the rows on screen (plus a margin) are in the DOM once a log is long; measured row heights, stick to the bottom, paging above without moving the reader, jump to a row.
import type { ComponentChildren, JSX } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { windowOf } from './log-window.js';

/** Logs up to this many rows are rendered whole (cheap, and the browser's find-in-page sees every line). */
export const FULL_BELOW = 200;
/** Rows rendered above and below the visible part, in pixels, so a fast scroll does not show blank space. */
const MARGIN_PX = 800;
/** A row's height before it has been measured (one line of text). */
const ESTIMATE_PX = 30;
/** Within this of the bottom counts as "at the bottom": new lines are followed. */
const BOTTOM_PX = 48;
/** Within this of the top asks for the page above. */
const TOP_PX = 48;
/** Marks children of the list that are not rows (the "loading" line): not measured, not counted. */
const EXTRA = 'data-log-extra';

/** Properties of {@link LogView}. */
export interface LogViewProps<R extends { readonly key: string }> {
  readonly rows: readonly R[];
  /** One row as an `<li>`; it must have no vertical margin (heights are measured from its box). */
  readonly renderRow: (row: R) => JSX.Element;
  /**
   * Rows that keep their place when others change around them (the reader's anchor). A day
   * separator does not: it moves to the top of its day when an older page of the same day arrives.
   */
  readonly canAnchor: (row: R) => boolean;
  /** `<li data-log-extra>` lines shown above the rows (loading, empty). */
  readonly header?: ComponentChildren;
  /** Scrolled near the top, or too short to scroll: the caller may load older rows. */
  readonly onTop: () => void;
  /** The key of a row to bring to the middle of the view (a search result); followed again when it changes. */
  readonly jumpTo: string | null;
  readonly labelledBy: string;
  readonly busy: boolean;
}

interface Anchor {
  readonly key: string;
  /** The row's top minus scrollTop: kept when rows above change. */
  readonly offset: number;
}

/** The scrolling list; rows are kept in place by an anchor (the first visible row), not by scrollTop. */
export function LogView<R extends { readonly key: string }>({ rows, renderRow, canAnchor, header, onTop, jumpTo, labelledBy, busy }: LogViewProps<R>) {
  const list = useRef<HTMLOListElement>(null);
  const heights = useRef(new Map<string, number>());
  const following = useRef(true);
  const anchor = useRef<Anchor | null>(null);
  // What the viewport was at the last re-render (scrolling re-renders only when the window must move).
  const [view, setView] = useState({ top: 0, height: 0 });
  const [, setMeasured] = useState(0);
  const index = useMemo(() => new Map(rows.map((row, i) => [row.key, i])), [rows]);

  const offsets = new Array<number>(rows.length + 1);
  offsets[0] = 0;
  rows.forEach((row, i) => {
    offsets[i + 1] = (offsets[i] ?? 0) + (heights.current.get(row.key) ?? ESTIMATE_PX);
  });
  const total = offsets[rows.length] ?? 0;
  const height = view.height > 0 ? view.height : 800;
  const anchored = anchor.current === null ? undefined : index.get(anchor.current.key);
  const top = following.current
    ? Math.max(0, total - height)
    : anchored !== undefined && anchor.current !== null
      ? (offsets[anchored] ?? 0) - anchor.current.offset
      : view.top;
  const [start, end] = rows.length <= FULL_BELOW ? [0, rows.length] : windowOf(offsets, top - MARGIN_PX, top + height + MARGIN_PX);
  const shown = useRef({ start, rows, offsets });
  shown.current = { start, rows, offsets };

  /** The list's children that are rows, with their rows. */
  const rendered = (el: HTMLOListElement): { el: HTMLElement; row: R }[] => {
    const out: { el: HTMLElement; row: R }[] = [];
    let i = shown.current.start;
    for (const child of Array.from(el.children)) {
      if (child.hasAttribute(EXTRA)) continue;
      const row = shown.current.rows[i++];
      if (row === undefined) break;
      out.push({ el: child as HTMLElement, row });
    }
    return out;
  };

  /** Scroll so the anchor row is where it was (or to the bottom when following). */
  const place = (el: HTMLOListElement): void => {
    if (following.current) {
      el.scrollTop = el.scrollHeight;
      return;
    }
    const a = anchor.current;
    if (a === null) return;
    const found = rendered(el).find((r) => r.row.key === a.key);
    if (found) el.scrollTop = found.el.offsetTop - a.offset;
  };

  /** Measure the rendered rows; true when a height changed (the window is computed again). */
  const measure = (el: HTMLOListElement): boolean => {
    let changed = false;
    for (const { el: child, row } of rendered(el)) {
      const h = child.getBoundingClientRect().height;
      if (Math.abs((heights.current.get(row.key) ?? -1) - h) > 0.5) {
        heights.current.set(row.key, h);
        changed = true;
      }
    }
    return changed;
  };

  // After every render: measure, keep the reader's place, and ask for more when the log cannot scroll.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const changed = measure(el);
    place(el);
    if (changed) setMeasured((n) => n + 1);
    if (view.height !== el.clientHeight) setView({ top: el.scrollTop, height: el.clientHeight });
    if (el.scrollHeight <= el.clientHeight) onTop();
  });

  // Rows change height after rendering (an image loads, the pane gets narrower): measure again.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      if (measure(el)) setMeasured((n) => n + 1);
      if (el.clientHeight !== view.height) setView({ top: el.scrollTop, height: el.clientHeight });
      place(el);
    });
    observer.observe(el);
    for (const { el: child } of rendered(el)) observer.observe(child);
    return () => observer.disconnect();
  }, [start, end, rows]);

  // A row to show (a search result): in the middle of the view, and the log stops following.
  const jumpKnown = jumpTo !== null && index.has(jumpTo);
  useLayoutEffect(() => {
    if (jumpTo === null || !jumpKnown) return;
    following.current = false;
    anchor.current = { key: jumpTo, offset: Math.max(0, height / 2 - ESTIMATE_PX) };
    setMeasured((n) => n + 1);
  }, [jumpTo, jumpKnown]);

  /** The first row that keeps its place at the top of the view, and where it is in it. */
  const anchorAt = (el: HTMLOListElement): Anchor | undefined => {
    const y = el.scrollTop;
    const first = rendered(el).find((r) => canAnchor(r.row) && r.el.offsetTop + r.el.offsetHeight > y);
    if (first && first.el.offsetTop < y + el.clientHeight) return { key: first.row.key, offset: first.el.offsetTop - y };
    // The view is over a spacer (a fast scroll, a jump): the row there, by the offsets.
    const { rows: all, offsets: at } = shown.current;
    let [i] = windowOf(at, y, y + 1);
    while (i < all.length && !canAnchor(all[i] as R)) i++;
    const row = all[i];
    return row === undefined ? undefined : { key: row.key, offset: (at[i] ?? 0) - y };
  };

  const onScroll = (e: Event): void => {
    const el = e.currentTarget as HTMLOListElement;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_PX;
    if (following.current) anchor.current = null;
    else anchor.current = anchorAt(el) ?? anchor.current;
    // Re-render only when the window has to move (a quarter of the margin), not on every pixel.
    if (Math.abs(el.scrollTop - view.top) > MARGIN_PX / 4 || el.clientHeight !== view.height) setView({ top: el.scrollTop, height: el.clientHeight });
    if (el.scrollTop < TOP_PX) onTop();
  };

  return (
    <ol
      class="log"
      ref={list}
      aria-live="polite"
      aria-relevant="additions"
      aria-labelledby={labelledBy}
      aria-busy={busy}
      // Focusable so keyboard users can scroll the log.
      tabIndex={0}
      onScroll={onScroll}
    >
      {/* The rows above and below the window stand as empty items of their height: not padding,
          which would make the list itself as tall (a box is never shorter than its padding). */}
      {start > 0 && <li class="log-spacer" aria-hidden="true" {...extraAttr} style={{ height: `${offsets[start] ?? 0}px` }} />}
      {header}
      {rows.slice(start, end).map(renderRow)}
      {end < rows.length && <li class="log-spacer" aria-hidden="true" {...extraAttr} style={{ height: `${total - (offsets[end] ?? total)}px` }} />}
    </ol>
  );
}

/** `<li data-log-extra>`: a line of the list that is not a row. */
export const extraAttr = { [EXTRA]: '' } as const;
