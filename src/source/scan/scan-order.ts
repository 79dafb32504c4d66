/**
 * The order in which a scan queues the windows of its partitions, pure.
 *
 * Round-robin over partitions, so every approval code advances from its
 * oldest window on. But a partition's cursor moves only once the window after
 * its first one has been listed (edge dedupe waits for that window's head), so
 * a plain round-robin over N codes sends its first STATE only after N + 1
 * requests: with 500 codes at 100 requests a minute, five minutes without a
 * checkpoint. The first round therefore takes each partition's first
 * `firstRound` windows together, and every partition's cursor can move from
 * its second request on.
 */
export function scanOrder<T>(lists: readonly (readonly T[])[], firstRound = 2): T[] {
  const out: T[] = [];
  for (const list of lists) out.push(...list.slice(0, firstRound));
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = firstRound; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
