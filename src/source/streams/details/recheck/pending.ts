/**
 * The pending list of states written before the status digest (0.2.0 and
 * earlier): instances last emitted PENDING, with the window they were listed
 * in. Such a state is still read: those instances are fetched once more, and
 * from then on the digest follows them.
 */
export interface PendingInstance {
  instance_code: string;
  approval_code: string;
  created_after: string;
  created_before: string;
}

/** Reads the pending list of a state blob; entries that are not well formed are ignored. */
export function readPending(blob: Record<string, unknown> | undefined): PendingInstance[] {
  const list = blob?.['pending'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown): PendingInstance[] => {
    if (typeof e !== 'object' || e === null) return [];
    const { instance_code, approval_code, created_after, created_before } = e as Record<string, unknown>;
    if (typeof instance_code !== 'string' || typeof approval_code !== 'string') return [];
    if (
      typeof created_after !== 'string' ||
      typeof created_before !== 'string' ||
      Number.isNaN(Date.parse(created_after)) ||
      Number.isNaN(Date.parse(created_before))
    )
      return [];
    return [{ instance_code, approval_code, created_after, created_before }];
  });
}
