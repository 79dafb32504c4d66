import type { PartitionCursors } from '../state/stream-state.js';
import type { StreamScan } from '../sync/contract.js';

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

/**
 * Which scan of a group serves each scan: itself, or an earlier one that
 * absorbed it (see StreamScan.absorb). Pure apart from the absorb calls.
 */
export function mergeScans(scans: StreamScan[]): Map<StreamScan, StreamScan> {
  const servedBy = new Map<StreamScan, StreamScan>();
  const kept: StreamScan[] = [];
  for (const scan of scans) {
    const server = kept.find((k) => k.absorb?.(scan));
    if (!server) kept.push(scan);
    servedBy.set(scan, server ?? scan);
  }
  return servedBy;
}
