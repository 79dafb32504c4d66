/** The check every scenario prints: the instance codes read are exactly the emulator's truth. */
import type { FeishuEmulator } from '../emulator/index.js';

export interface Exactness {
  expected: number;
  read: number;
  unique: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  exact: boolean;
}

/** `records` is the number of records emitted, `codes` the distinct instance codes among them. */
export function checkExact(emulator: FeishuEmulator, codes: Set<string>, records: number): Exactness {
  let expected = 0;
  let found = 0;
  // Per approval code keeps the truth arrays to half a million entries at a time at 1M.
  for (const approvalCode of emulator.approvalCodes) {
    for (const instance of emulator.truth(approvalCode)) {
      expected++;
      if (codes.has(instance.instanceCode)) found++;
    }
  }
  const missing = expected - found;
  const unexpected = codes.size - found;
  const duplicates = records - codes.size;
  return {
    expected,
    read: records,
    unique: codes.size,
    duplicates,
    missing,
    unexpected,
    exact: missing === 0 && unexpected === 0 && duplicates === 0,
  };
}

export function describeExactness(e: Exactness): string {
  return e.exact
    ? `exact: ${e.unique}/${e.expected} codes, no duplicates`
    : `NOT EXACT: read ${e.read} (${e.unique} unique, ${e.duplicates} duplicates), expected ${e.expected}, missing ${e.missing}, unexpected ${e.unexpected}`;
}
