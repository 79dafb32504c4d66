import type { JsonObject } from '../../../kit/protocol.js';
import { codeHash } from '../../values/hashes.js';
import { earliestMinute, packPartition, unpackPartition, type PackedPartition, type PartitionDigest } from './status-digest.js';

/**
 * The digest's place in the details stream's state blob, beside the cursors:
 *   version 2 (written): {"status_digest": {"version": 2, "base_minute": <minute>, "partitions": {"<code hash>": "<entries>"}}}
 *   version 1 (read; written only if two codes share a hash):
 *     {"status_digest": {"version": 1, "partitions": {"<approval code>": {"base_minute", "entries"}}}}
 * Version 2 names each approval code by the 8-character hash the hashed
 * cursors use (cursor-encoding.ts) and the base minute once, so a code costs
 * about 14 bytes beside its entries instead of about 76: with 500 codes of a
 * few instances each, the difference between a STATE every 2 s and one
 * every 4 s under the byte budget (pacing.ts).
 * A partition that is missing or unreadable is simply absent: its next
 * recheck takes the query's statuses as the baseline instead of failing the sync.
 */
export const DIGEST_KEY = 'status_digest';

export type StatusDigest = Map<string, PartitionDigest>;

/** The digest of the configured `codes` in a state blob; version 1 keeps every code it names. */
export function readDigest(blob: JsonObject | undefined, codes: readonly string[]): StatusDigest {
  const digest: StatusDigest = new Map();
  const field = blob?.[DIGEST_KEY];
  if (typeof field !== 'object' || field === null) return digest;
  const { version, partitions, base_minute: base } = field as JsonObject;
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
 * version 2 from the earliest minute, or with `perPartitionBase` version 1's
 * base per partition.
 */
export function digestField(digest: StatusDigest, perPartitionBase = false): JsonObject {
  const base = perPartitionBase ? undefined : earliestMinute(digest.values());
  return packedField(new Map([...digest].map(([code, partition]) => [code, packPartition(partition, base)])));
}

/**
 * The state field from partitions packed already (a sync packs only those
 * that changed since its last STATE), sorted so equal digests give equal
 * states: version 2 when the partitions share one base and no two codes share
 * a hash, else version 1.
 */
export function packedField(packed: Map<string, PackedPartition>): JsonObject {
  const bases = new Set([...packed.values()].map((p) => p.base_minute));
  const byHash = new Map([...packed].map(([code, p]) => [codeHash(code), p.entries]));
  if (bases.size <= 1 && byHash.size === packed.size) {
    const partitions: JsonObject = {};
    for (const hash of [...byHash.keys()].sort()) partitions[hash] = byHash.get(hash)!;
    return { version: 2, base_minute: [...bases][0] ?? 0, partitions };
  }
  const partitions: JsonObject = {};
  for (const code of [...packed.keys()].sort()) partitions[code] = { ...packed.get(code)! };
  return { version: 1, partitions };
}
