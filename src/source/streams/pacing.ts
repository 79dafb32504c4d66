/**
 * How often a stream may send STATE and ESTIMATE messages, pure.
 *
 * A STATE carries every partition's cursor, so its size grows with the number
 * of approval codes. Sending one per window wrote 37.7 MB of STATE for 2,000
 * records with 500 codes. The next STATE may leave once both gaps have passed
 * since the last one:
 *  - MIN_STATE_GAP_MS, so a cursor that moved leaves within about a second;
 *  - the last STATE's bytes at STATE_BYTES_PER_MINUTE, so STATE volume stays
 *    under about 1 MB per minute per stream whatever the number of codes.
 * The second gap stays under 2 s while a STATE is under 30 KB: the cursor
 * encoding keeps it there up to about 3,700 codes (cursor-encoding.ts), so
 * up to there a moved cursor leaves within 2 s; beyond, the delay grows with
 * the STATE's size (5,000 codes: about 2.7 s).
 */
export const MIN_STATE_GAP_MS = 1000;
/** Below 1 MB, so a minute that also holds the final STATE stays under it. */
export const STATE_BYTES_PER_MINUTE = 900_000;
/** "Every few seconds at most": estimates are advice, not progress to keep. */
export const ESTIMATE_GAP_MS = 2000;

export interface SentState {
  atMs: number;
  bytes: number;
}

/** The earliest time the next STATE may leave; -Infinity before the first. */
export function nextStateAtMs(last: SentState | undefined, minGapMs = MIN_STATE_GAP_MS, bytesPerMinute = STATE_BYTES_PER_MINUTE): number {
  if (!last) return Number.NEGATIVE_INFINITY;
  return last.atMs + Math.max(minGapMs, (last.bytes * 60_000) / bytesPerMinute);
}

export interface EstimateInput {
  /** Rows the stream has emitted so far in this sync. */
  rowsSoFar: number;
  /** Codes the scan has listed so far, and those of its finished windows. */
  codesListed: number;
  doneCodes: number;
  /** Creation-time span of the finished windows, and of all windows (ms). */
  doneSpanMs: number;
  totalSpanMs: number;
}

/**
 * The rows a stream will have emitted at the end of the sync. The codes of
 * the finished windows over their span give a density; times the span still
 * to read it gives the codes to come (windows being read count by density,
 * not by the codes they have listed so far, which would inflate it while many
 * windows are open). The stream's rows so far plus the codes still to come
 * is its estimate: one row per code, and rows that are not (an instance
 * fetched again, one deleted) are kept as they are. Undefined until a window
 * has finished.
 */
export function estimateRows({ rowsSoFar, codesListed, doneCodes, doneSpanMs, totalSpanMs }: EstimateInput): number | undefined {
  if (!(doneSpanMs > 0) || !(totalSpanMs > 0)) return undefined;
  const expectedCodes = doneCodes + (doneCodes / doneSpanMs) * Math.max(0, totalSpanMs - doneSpanMs);
  return Math.round(rowsSoFar + Math.max(0, expectedCodes - codesListed));
}
