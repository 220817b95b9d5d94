// Which rows of a tall grid to render, so that 10,000 tiles cost a few hundred DOM nodes.

export type Window = { start: number; end: number; offsetTop: number; totalHeight: number };

export function columnsFor(width: number, tileWidth: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (tileWidth + gap)));
}

/** Rows [start, end) to render for the scroll position, with `overscan` rows either side. */
export function virtualWindow(opts: {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  rows: number;
  overscan?: number;
}): Window {
  const { scrollTop, viewportHeight, rowHeight, rows } = opts;
  const overscan = opts.overscan ?? 2;
  if (rows <= 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(rows - 1, first - overscan));
  const end = Math.min(rows, first + visible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight: rows * rowHeight };
}
