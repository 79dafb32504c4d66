import type { PartitionCursors } from '../state/stream-state.js';

/**
 * Streams that start from the same cursors can share one scan of the list API
 * (which has the scarce budget); others need a scan of their own. Pure: groups
 * keep the catalog's order.
 */
export function groupByCursors<T extends { saved: PartitionCursors }>(items: T[]): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const group = groups.find((g) => sameCursors(g[0]!.saved, item.saved));
    if (group) group.push(item);
    else groups.push([item]);
  }
  return groups;
}

export function sameCursors(a: PartitionCursors, b: PartitionCursors): boolean {
  if (a.size !== b.size) return false;
  for (const [code, ms] of a) if (b.get(code) !== ms) return false;
  return true;
}
