import type { PartitionCursors } from '../state.js';
import type { ScanHandlers, StreamScan } from '../sync-contract.js';

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

/** The scans of a group after each has absorbed the later ones it can serve (see StreamScan.absorb); order kept. */
export function mergeScans(scans: StreamScan[]): StreamScan[] {
  const kept: StreamScan[] = [];
  for (const scan of scans) if (!kept.some((k) => k.absorb?.(scan))) kept.push(scan);
  return kept;
}

/** One set of handlers that feeds every stream of a shared scan. */
export function combineHandlers(all: ScanHandlers[]): ScanHandlers {
  if (all.length === 1) return all[0]!;
  return {
    onCode: (code, window) => settleAll(all.map((h) => h.onCode(code, window))),
    onCheckpoint: (cursors) => settleAll(all.map((h) => h.onCheckpoint(cursors))),
  };
}

function settleAll(results: (Promise<void> | undefined)[]): Promise<void> | undefined {
  const pending = results.filter((r): r is Promise<void> => r !== undefined);
  if (pending.length === 0) return undefined;
  return Promise.all(pending).then(() => undefined);
}
