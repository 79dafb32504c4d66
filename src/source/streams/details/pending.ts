/**
 * Instances still in progress (PENDING), remembered in the detail stream's
 * state so that each incremental sync fetches them again until their status is
 * final. Bounded by count and age; the math is pure.
 */
export interface PendingInstance {
  instance_code: string;
  approval_code: string;
  created_after: string;
  created_before: string;
  /** When a sync first saw it pending (ISO); the age limit counts from here. */
  first_seen: string;
}

export interface PendingLimits {
  maxEntries: number;
  maxAgeMs: number;
}

export interface PruneResult {
  kept: PendingInstance[];
  droppedForAge: PendingInstance[];
  droppedForCap: PendingInstance[];
}

/** Drops entries older than the age limit, then the oldest beyond the cap; keeps first-seen order. */
export function prunePending(entries: Iterable<PendingInstance>, limits: PendingLimits, nowMs: number): PruneResult {
  const byAge = [...entries].sort((a, b) => Date.parse(a.first_seen) - Date.parse(b.first_seen));
  const droppedForAge = byAge.filter((e) => nowMs - Date.parse(e.first_seen) > limits.maxAgeMs);
  const young = byAge.filter((e) => nowMs - Date.parse(e.first_seen) <= limits.maxAgeMs);
  const overflow = Math.max(0, young.length - limits.maxEntries);
  return { kept: young.slice(overflow), droppedForAge, droppedForCap: young.slice(0, overflow) };
}

/** Reads the pending list of a state blob; entries that are not well formed are ignored. */
export function readPending(blob: Record<string, unknown> | undefined): PendingInstance[] {
  const list = blob?.['pending'];
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is PendingInstance =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as PendingInstance).instance_code === 'string' &&
      typeof (e as PendingInstance).approval_code === 'string' &&
      !Number.isNaN(Date.parse((e as PendingInstance).first_seen)),
  );
}
