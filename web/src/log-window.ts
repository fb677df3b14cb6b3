// Which rows of a windowed log to render: a binary search over the rows' measured (or estimated) offsets; the size of a page of older history.

/** Lines asked for per page above the log (the server's largest page): a long room is read back in fewer round trips. */
export const OLDER_PAGE = 200;

/** The rows [start, end) that overlap [from, to) of the content, by binary search over the row offsets. */
export function windowOf(offsets: readonly number[], from: number, to: number): [number, number] {
  const n = offsets.length - 1;
  const firstEndingAfter = (y: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((offsets[mid + 1] ?? 0) > y) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const start = Math.min(firstEndingAfter(from), n);
  const end = Math.max(start, Math.min(n, firstEndingAfter(to) + 1));
  return [start, end];
}
