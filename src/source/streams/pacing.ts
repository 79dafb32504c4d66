/**
 * How often a stream may send STATE and ESTIMATE messages, pure.
 *
 * A STATE carries every partition's cursor, so its size grows with the number
 * of approval codes: 39 bytes a code in plain cursor groups
 * (state/cursor-groups.ts), 19.8 KB with 500 codes, 78 KB with 2,000. One
 * STATE per moved cursor would write 14.9 MB of STATE for 500 codes of three
 * windows each, 235 MB for 2,000. The next STATE may leave once both gaps have
 * passed since the last one:
 *  - MIN_STATE_GAP_MS, so a cursor that moved leaves within about a second;
 *  - the last STATE's bytes at STATE_BYTES_PER_MINUTE, so STATE volume stays
 *    under 1 MB per minute per stream whatever the number of codes.
 * The second gap is the longer one beyond 15 KB of STATE. Measured by
 * test/state-volume.test.ts (simulated clock) and test/slow/state-volume.test.ts
 * (real time): with 500 codes a STATE leaves at most 1.4 s after the last
 * (the details stream, whose state also holds the status digest: 2.5 s), with
 * 2,000 codes at most 5.3 s after (details: 6.9 s); the first leaves within
 * half a second.
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
export function nextStateAtMs(
  last: SentState | undefined,
  minGapMs = MIN_STATE_GAP_MS,
  bytesPerMinute = STATE_BYTES_PER_MINUTE,
): number {
  if (!last) return Number.NEGATIVE_INFINITY;
  return last.atMs + Math.max(minGapMs, (last.bytes * 60_000) / bytesPerMinute);
}

export interface EstimateInput {
  /** Rows the stream has emitted so far in this sync. */
  rowsSoFar: number;
  /**
   * Instances whose rows the stream has written so far: a listed code for approval_instances, a
   * fetched detail (re-checked ones included) for a detail-based stream, which may write several
   * rows per instance or none.
   */
  codesWritten: number;
  /** Codes the scan has listed so far, and those of its finished windows. */
  codesListed: number;
  doneCodes: number;
  /** Creation-time span of the finished windows, and of all windows (ms). */
  doneSpanMs: number;
  totalSpanMs: number;
}

/**
 * The rows a stream will have emitted at the end of the sync, or undefined while there is no
 * basis for one (issue 25: a first ESTIMATE of 0 rows, sent before anything was read, showed
 * "0 rows expected"). Two bases are needed:
 *  - how many instances there are: the codes of the finished windows over their span give a
 *    density, times the span still to read the codes to come (windows being read count by
 *    density, not by the codes they have listed so far, which would inflate it while many
 *    windows are open; never fewer than the codes listed). While every finished window was empty
 *    the density is unknown, not 0: no estimate until a window with codes finishes, or the
 *    whole span is read (then the codes listed are all there are);
 *  - how many rows an instance makes for this stream: its rows so far per instance written
 *    (1 for approval_instances, about 3 for approval_tasks); unknown until it has written one.
 * The estimate is the rows so far plus the instances still to write at that rate.
 */
export function estimateRows({
  rowsSoFar,
  codesWritten,
  codesListed,
  doneCodes,
  doneSpanMs,
  totalSpanMs,
}: EstimateInput): number | undefined {
  if (!(doneSpanMs > 0) || !(totalSpanMs > 0) || !(codesWritten > 0)) return undefined;
  const finished = doneSpanMs >= totalSpanMs;
  if (doneCodes === 0 && !finished) return undefined;
  const byDensity = finished ? 0 : doneCodes + (doneCodes / doneSpanMs) * (totalSpanMs - doneSpanMs);
  const expectedCodes = Math.max(codesListed, byDensity);
  return Math.round(rowsSoFar + Math.max(0, expectedCodes - codesWritten) * (rowsSoFar / codesWritten));
}
