import { hash16 } from '../../../values/hashes.js';
import { digestKey, minuteOfKey, queryLists, sameStatus, type Nibble, type PartitionDigest } from './status-digest.js';

/**
 * Which details one partition's recheck fetches, decided from the digest of
 * what was emitted and what the bulk query reports now. Pure; the I/O lives in
 * status-recheck.ts.
 */

/** One instance as the bulk query lists it. */
export interface ReportedStatus {
  code: string;
  status: Nibble;
  createdMs: number;
}

export interface RecheckPlan {
  /** Listed with another status than the destination holds. */
  changed: string[];
  /** Listed but never emitted (inside the span, before the cursor): a listing the scan missed. */
  unseen: string[];
  /** Emitted, expected in the query but not listed (revoked, deleted or lagging): the list API names their codes. */
  missing: number[];
  /** With no digest yet (a state from before it): the query's statuses, taken as the baseline. */
  baseline: PartitionDigest | undefined;
}

/** `held` undefined: no digest for this partition yet, so nothing is compared and the query becomes the baseline. */
export function planRecheck(
  held: PartitionDigest | undefined,
  reported: ReportedStatus[],
  fromMs: number,
  toMs: number,
): RecheckPlan {
  const plan: RecheckPlan = { changed: [], unseen: [], missing: [], baseline: undefined };
  if (!held) {
    plan.baseline = new Map(reported.map((r) => [digestKey(r.code, r.createdMs), r.status]));
    return plan;
  }
  const listed = new Set<number>();
  for (const r of reported) {
    const key = digestKey(r.code, r.createdMs);
    listed.add(key);
    const nibble = held.get(key);
    if (nibble === undefined) plan.unseen.push(r.code);
    else if (!sameStatus(nibble, r.status)) plan.changed.push(r.code);
  }
  const firstMinute = Math.floor(fromMs / 60_000);
  const lastMinute = Math.floor(toMs / 60_000);
  for (const [key, nibble] of held) {
    const minute = minuteOfKey(key);
    if (minute < firstMinute || minute > lastMinute || listed.has(key) || !queryLists(nibble)) continue;
    plan.missing.push(key);
  }
  plan.missing.sort((a, b) => a - b);
  return plan;
}

/** Missing keys close in time, to be named by one list query (at most `maxMinutes` long). */
export interface MissingRun {
  fromMinute: number;
  toMinute: number;
  keys: number[];
}

/** Groups sorted keys into runs; keys at most `maxGap` minutes apart share a run. */
export function missingRuns(sortedKeys: number[], maxGap = 2, maxMinutes = 600): MissingRun[] {
  const runs: MissingRun[] = [];
  for (const key of sortedKeys) {
    const minute = minuteOfKey(key);
    const last = runs.at(-1);
    if (last && minute - last.toMinute <= maxGap && minute - last.fromMinute < maxMinutes) {
      last.toMinute = minute;
      last.keys.push(key);
    } else {
      runs.push({ fromMinute: minute, toMinute: minute, keys: [key] });
    }
  }
  return runs;
}

/** The creation-time range a run's list query asks for: a millisecond wider each side, as the bounds' inclusiveness is undocumented. */
export function runRangeMs(run: MissingRun): { startMs: number; endMs: number } {
  return { startMs: run.fromMinute * 60_000 - 1, endMs: (run.toMinute + 1) * 60_000 };
}

/**
 * The listed codes whose hash belongs to one of the run's missing keys, each with the creation
 * time its key holds (minute precision, enough for the digest); the keys no code matched are `unresolved`.
 */
export function matchListed(
  run: MissingRun,
  codes: Iterable<string>,
): { found: Array<{ code: string; createdMs: number }>; unresolved: number[] } {
  const byHash = new Map<number, number[]>();
  for (const key of run.keys) byHash.set(key % 0x1_0000, [...(byHash.get(key % 0x1_0000) ?? []), key]);
  const found: Array<{ code: string; createdMs: number }> = [];
  for (const code of codes) {
    const key = byHash.get(hash16(code))?.pop();
    if (key !== undefined) found.push({ code, createdMs: minuteOfKey(key) * 60_000 });
  }
  return { found, unresolved: [...byHash.values()].flat() };
}

/**
 * The creation-time range rechecked for one partition: the span up to the saved cursor (what was
 * emitted), from start_date at the earliest, to end_date and now at the latest (a cursor may lie
 * in the future: nothing was created there).
 */
export function recheckRange(
  cursorMs: number | undefined,
  nowMs: number,
  spanMs: number,
  bounds: { startMs: number; endMs: number | undefined },
): { fromMs: number; toMs: number } | undefined {
  if (spanMs <= 0 || cursorMs === undefined) return undefined;
  const fromMs = Math.max(bounds.startMs, nowMs - spanMs);
  const toMs = Math.min(cursorMs, nowMs, bounds.endMs ?? nowMs);
  return toMs > fromMs ? { fromMs, toMs } : undefined;
}

/** Splits a range into the bulk query's spans (at most 30 days each). */
export function querySpans(
  fromMs: number,
  toMs: number,
  maxSpanMs = 30 * 86_400_000,
): Array<{ fromMs: number; toMs: number }> {
  const spans: Array<{ fromMs: number; toMs: number }> = [];
  for (let at = fromMs; at < toMs; at += maxSpanMs + 1)
    spans.push({ fromMs: at, toMs: Math.min(toMs, at + maxSpanMs) });
  return spans;
}
