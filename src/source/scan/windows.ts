/**
 * Creation-time window math, pure. A window is the closed logical range
 * [startMs, endMs] of creation times; consecutive windows share their edge.
 *
 * Whether the list API treats start_time / end_time as inclusive is
 * undocumented, so the connector is exact under each of three semantics:
 *  - both inclusive: an instance on a shared edge is listed by both windows;
 *    the earlier one drops it (window-reader.ts holds back a window's last
 *    EDGE_CODES codes; instance-scan.ts emits those the next window does not list);
 *  - end exclusive or start exclusive: exactly one of the two lists it.
 * Only the outermost edges can fall through (start exclusive at the very
 * start, end exclusive at the very end), so those queries reach 1 ms further.
 */
export interface Window {
  startMs: number;
  endMs: number;
}

/** The sync's range for one partition, or undefined when there is nothing to read. */
export interface RangeInput {
  startDateMs: number;
  endDateMs: number | undefined;
  nowMs: number;
  /** The partition's saved cursor (incremental syncs only). */
  cursorMs: number | undefined;
  lookbackMs: number;
}

export function syncRange(input: RangeInput): Window | undefined {
  // A cursor in the future (a hand-edited or foreign state, a clock gone back) reads nothing, not its lookback.
  if (input.cursorMs !== undefined && input.cursorMs > input.nowMs) return undefined;
  // A cursor at (or past) end_date has read the whole range: an ended range costs no request, not its lookback forever.
  if (input.cursorMs !== undefined && input.endDateMs !== undefined && input.cursorMs >= input.endDateMs)
    return undefined;
  const endMs = Math.min(input.endDateMs ?? input.nowMs, input.nowMs);
  const startMs =
    input.cursorMs === undefined ? input.startDateMs : Math.max(input.startDateMs, input.cursorMs - input.lookbackMs);
  return startMs < endMs ? { startMs, endMs } : undefined;
}

/**
 * Edge-to-edge windows covering [range.startMs, range.endMs] whose queries
 * (see queryBounds: 1 ms wider at the outermost edges) span at most `widthMs`,
 * the API's cap on one query's range.
 */
export function planWindows(range: Window, widthMs: number): Window[] {
  if (!(widthMs > 2)) throw new RangeError('widthMs must be above 2 ms');
  const windows: Window[] = [];
  for (let start = range.startMs; start < range.endMs;) {
    const startPad = start === range.startMs ? 1 : 0;
    let end = Math.min(start + widthMs - startPad, range.endMs);
    // The last query reaches 1 ms past the range's end; leave room for it.
    if (end === range.endMs && end - start + startPad + 1 > widthMs) end -= 1;
    windows.push({ startMs: start, endMs: end });
    start = end;
  }
  return windows;
}

/** The start_time / end_time to send for a window: 1 ms wider at the outermost edges of the range. */
export function queryBounds(window: Window, range: Window): Window {
  return {
    startMs: window.startMs === range.startMs ? window.startMs - 1 : window.startMs,
    endMs: window.endMs === range.endMs ? window.endMs + 1 : window.endMs,
  };
}

/**
 * How many parts a dense window should be cut into: enough to give every idle
 * worker a part (the window's own worker keeps one), never parts narrower than
 * `minWidthMs`, and never more than `maxParts`. 1 means "do not split".
 */
export function splitParts(input: {
  widthMs: number;
  idleWorkers: number;
  minWidthMs: number;
  maxParts: number;
}): number {
  const byWorkers = input.idleWorkers + 1;
  const byWidth = Math.floor(input.widthMs / input.minWidthMs);
  const parts = Math.min(byWorkers, byWidth, input.maxParts);
  return parts >= 2 ? parts : 1;
}

/** `parts` edge-to-edge windows of (nearly) equal width covering `window`. */
export function splitWindow(window: Window, parts: number): Window[] {
  const width = window.endMs - window.startMs;
  const out: Window[] = [];
  for (let i = 0; i < parts; i++) {
    out.push({
      startMs: window.startMs + Math.floor((width * i) / parts),
      endMs: window.startMs + Math.floor((width * (i + 1)) / parts),
    });
  }
  return out.filter((w) => w.endMs > w.startMs);
}
