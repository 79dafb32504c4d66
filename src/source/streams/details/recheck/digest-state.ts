import type { JsonObject } from '../../../../kit/protocol.js';
import { codeHash } from '../../../values/hashes.js';
import { packPartitionV3, unpackPartitionV3, type PartitionCounts } from './digest-v3.js';
import { earliestMinute, packPartition, unpackPartition, type PartitionDigest } from './status-digest.js';

/**
 * The digest's place in the details stream's state blob, beside the cursors:
 *   version 3 (written since 0.4.0, digest-v3.ts: statuses and child row counts):
 *     {"status_digest": {"version": 3, "base_minute": <minute>, "partitions": {"<code hash>": "<entries>"}}}
 *     or, if two configured codes share a hash, "codes": {"<approval code>": "<entries>"} instead of "partitions"
 *   version 2 (read): {"status_digest": {"version": 2, "base_minute": <minute>, "partitions": {"<code hash>": "<entries>"}}}
 *   version 1 (read): {"status_digest": {"version": 1, "partitions": {"<approval code>": {"base_minute", "entries"}}}}
 * Versions 1-2 hold no row counts: their instances' counts are unknown, so
 * nothing is tombstoned for them until they are fetched again (from then on
 * the counts are known).
 * Versions 2-3 name each approval code by the 8-character hash the hashed
 * cursors of 0.3.0 used (values/hashes.ts) and the base minute once, so a code costs
 * about 14 bytes beside its entries instead of about 76: with 500 codes of a
 * few instances each, the difference between a STATE every 2 s and one
 * every 4 s under the byte budget (pacing.ts).
 * A partition that is missing or unreadable is simply absent: its next
 * recheck takes the query's statuses as the baseline instead of failing the sync.
 */
export const DIGEST_KEY = 'status_digest';
/** The version a sync writes. */
export const DIGEST_VERSION = 3;

export type StatusDigest = Map<string, PartitionDigest>;
export type DigestCounts = Map<string, PartitionCounts>;

/**
 * The digest of the configured `codes` in a state blob; version 1 keeps every
 * code it names. A version 3 digest's row counts go to `counts` when given.
 */
export function readDigest(
  blob: JsonObject | undefined,
  codes: readonly string[],
  counts?: DigestCounts,
): StatusDigest {
  const digest: StatusDigest = new Map();
  const field = blob?.[DIGEST_KEY];
  if (typeof field !== 'object' || field === null) return digest;
  const { version, partitions, base_minute: base, codes: byCode } = field as JsonObject;
  if (version === 3 && Number.isSafeInteger(base)) {
    const named =
      typeof byCode === 'object' && byCode !== null && !Array.isArray(byCode) ? (byCode as JsonObject) : undefined;
    const hashed =
      typeof partitions === 'object' && partitions !== null && !Array.isArray(partitions)
        ? (partitions as JsonObject)
        : undefined;
    for (const code of codes) {
      const partition = unpackPartitionV3(named ? named[code] : hashed?.[codeHash(code)], base as number);
      if (!partition) continue;
      digest.set(code, partition.statuses);
      counts?.set(code, partition.counts);
    }
    return digest;
  }
  if (typeof partitions !== 'object' || partitions === null || Array.isArray(partitions)) return digest;
  if (version === 1) {
    for (const [code, packed] of Object.entries(partitions)) {
      const partition = unpackPartition(packed);
      if (partition) digest.set(code, partition);
    }
  } else if (version === 2 && Number.isSafeInteger(base)) {
    for (const code of codes) {
      const entries = (partitions as JsonObject)[codeHash(code)];
      const partition = unpackPartition({ base_minute: base, entries });
      if (partition) digest.set(code, partition);
    }
  }
  return digest;
}

/**
 * The digest as a state field (tests and tools; a sync packs as it goes):
 * version 3 (with `counts`) from the earliest minute; versions 1 and 2 as
 * releases before 0.4.0 wrote them, to test that they are still read.
 */
export function digestField(digest: StatusDigest, version: 1 | 2 | 3 = 3, counts?: DigestCounts): JsonObject {
  const base = earliestMinute(digest.values());
  if (version === 3)
    return packedField(
      new Map([...digest].map(([code, partition]) => [code, packPartitionV3(partition, counts?.get(code), base)])),
      base,
    );
  const packed = new Map(
    [...digest].map(([code, partition]) => [code, packPartition(partition, version === 1 ? undefined : base)]),
  );
  if (version === 2) {
    const partitions: JsonObject = {};
    for (const [code, p] of [...packed].sort(([a], [b]) => (codeHash(a) < codeHash(b) ? -1 : 1)))
      partitions[codeHash(code)] = p.entries;
    return { version: 2, base_minute: base, partitions };
  }
  const partitions: JsonObject = {};
  for (const code of [...packed.keys()].sort()) partitions[code] = { ...packed.get(code)! };
  return { version: 1, partitions };
}

/**
 * The version 3 state field from partitions packed already from `baseMinute`
 * (a sync packs only those that changed since its last STATE), sorted so
 * equal digests give equal states; keyed by code hash unless two codes share one.
 */
export function packedField(packed: Map<string, string>, baseMinute: number): JsonObject {
  const byHash = new Map([...packed].map(([code, entries]) => [codeHash(code), entries]));
  const sorted = (map: Map<string, string>): JsonObject =>
    Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (byHash.size === packed.size)
    return { version: DIGEST_VERSION, base_minute: baseMinute, partitions: sorted(byHash) };
  return { version: DIGEST_VERSION, base_minute: baseMinute, codes: sorted(packed) };
}

/**
 * A version 3 digest field kept to `codes` (a form table's STATE holds its one
 * code's partition, not every code's); any other field is returned as it is.
 */
export function digestOfCodes(field: unknown, codes: readonly string[]): unknown {
  if (typeof field !== 'object' || field === null || (field as JsonObject)['version'] !== DIGEST_VERSION) return field;
  const { partitions, codes: byCode } = field as JsonObject;
  const keep = (map: unknown, keys: readonly string[]): JsonObject =>
    Object.fromEntries(Object.entries(map as JsonObject).filter(([key]) => keys.includes(key)));
  if (typeof byCode === 'object' && byCode !== null) return { ...(field as JsonObject), codes: keep(byCode, codes) };
  if (typeof partitions === 'object' && partitions !== null)
    return { ...(field as JsonObject), partitions: keep(partitions, codes.map(codeHash)) };
  return field;
}
