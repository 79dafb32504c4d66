import type { JsonObject } from '../../../kit/protocol.js';
import { packPartition, unpackPartition, type PackedPartition, type PartitionDigest } from './status-digest.js';

/**
 * The digest's place in the details stream's state blob:
 * {"states": [...cursors], "status_digest": {"version": 1, "partitions": {"<approval code>": {"base_minute", "entries"}}}}
 * A partition that is missing or unreadable is simply absent: its next recheck
 * takes the query's statuses as the baseline instead of failing the sync.
 */
export const DIGEST_KEY = 'status_digest';
const VERSION = 1;

export type StatusDigest = Map<string, PartitionDigest>;

export function readDigest(blob: JsonObject | undefined): StatusDigest {
  const digest: StatusDigest = new Map();
  const field = blob?.[DIGEST_KEY];
  if (typeof field !== 'object' || field === null || (field as JsonObject)['version'] !== VERSION) return digest;
  const partitions = (field as JsonObject)['partitions'];
  if (typeof partitions !== 'object' || partitions === null || Array.isArray(partitions)) return digest;
  for (const [code, packed] of Object.entries(partitions)) {
    const partition = unpackPartition(packed);
    if (partition) digest.set(code, partition);
  }
  return digest;
}

/** The digest as a state field, partitions in code order so equal digests give equal states. */
export function digestField(digest: StatusDigest): JsonObject {
  return packedField(new Map([...digest].map(([code, partition]) => [code, packPartition(partition)])));
}

/** The same from partitions packed already (a sync packs only those that changed since its last STATE). */
export function packedField(packed: Map<string, PackedPartition>): JsonObject {
  const partitions: JsonObject = {};
  for (const code of [...packed.keys()].sort()) partitions[code] = { ...packed.get(code)! };
  return { version: VERSION, partitions };
}
