import type { PartitionCursors } from '../state/stream-state.js';

/**
 * Streams that start from the same cursors can share one scan of the list API
 * (which has the scarce budget); others need a scan of their own. Pure: groups
 * keep the catalog's order.
 *
 * Per partition: a stream of some approval codes only (`codes`, a form table's
 * one code) joins a group that scans each of its codes from the same cursor,
 * so selecting form tables adds no list request and no detail request. A
 * stream of every code (`codes` undefined) joins only a group of every code
 * with equal cursors. Streams of every code found groups first, so a form
 * table listed before them in the catalog still joins theirs.
 */
export interface Scanned {
  readonly saved: PartitionCursors;
  /** The approval codes the stream reads; undefined: every configured code. */
  readonly codes?: readonly string[] | undefined;
}

export function groupByCursors<T extends Scanned>(items: T[]): T[][] {
  const founders = [...items].sort((a, b) => width(b) - width(a));
  const groups: T[][] = [];
  for (const item of founders) {
    const group = groups.find((g) => joins(g[0]!, item));
    if (group) group.push(item);
    else groups.push([item]);
  }
  // Back to the catalog's order: groups by their first stream, streams within each.
  const order = new Map(items.map((item, i) => [item, i]));
  const at = (item: T): number => order.get(item)!;
  for (const group of groups) group.sort((a, b) => at(a) - at(b));
  return groups.sort((a, b) => at(a[0]!) - at(b[0]!));
}

/** The group's founder first: the stream of the most codes (every code counts as the most). */
export function founderOf<T extends Scanned>(group: readonly T[]): T {
  return group.reduce((best, item) => (width(item) > width(best) ? item : best));
}

function width(item: Scanned): number {
  return item.codes === undefined ? Number.POSITIVE_INFINITY : item.codes.length;
}

/** Whether `item` can share the scan `founder` started: the same cursor on each of its codes. */
function joins(founder: Scanned, item: Scanned): boolean {
  if (item.codes === undefined) return founder.codes === undefined && sameCursors(founder.saved, item.saved);
  if (founder.codes !== undefined && !item.codes.every((code) => founder.codes!.includes(code))) return false;
  return item.codes.every((code) => founder.saved.get(code) === item.saved.get(code));
}

export function sameCursors(a: PartitionCursors, b: PartitionCursors): boolean {
  if (a.size !== b.size) return false;
  for (const [code, ms] of a) if (b.get(code) !== ms) return false;
  return true;
}
