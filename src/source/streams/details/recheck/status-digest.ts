import { hash16 } from '../../../values/hashes.js';

/**
 * What the details stream last emitted for each instance created within the
 * recheck span, small enough for the state: per instance its creation minute,
 * a 16-bit hash of its code and a status nibble. Versions 1-2 pack them into
 * 5 bytes here; version 3 (digest-v3.ts, written since 0.4.0) adds the child
 * streams' row counts in about the same 5 bytes; base64'd per approval code
 * (30,000 instances: ~200 KB). No codes are kept:
 * the bulk query tells the codes back, and the digest says whether what it
 * tells differs from what the destination holds. All pure.
 */

/** The status nibble: what the destination's latest row says, and whether the query is expected to list it. */
export const Nibble = {
  PENDING: 1,
  APPROVED: 2,
  REJECTED: 3,
  /** CANCELED before approval (withdrawn): the query lists it. */
  CANCELED: 4,
  /** DELETED as a status: the query lists it. */
  DELETED: 5,
  /** CANCELED by revoking an approved instance: the query leaves it out. */
  REVOKED: 6,
  /** Emitted as DELETED because the detail answered 1390003: nothing lists it any more. */
  GONE: 7,
  /** A status this connector does not know. */
  OTHER: 15,
} as const;
export type Nibble = (typeof Nibble)[keyof typeof Nibble];

const BY_STATUS: Record<string, Nibble> = { PENDING: 1, APPROVED: 2, REJECTED: 3, CANCELED: 4, DELETED: 5 };
/** The bulk query's spellings (its filter says RECALL and REJECT) mapped to the detail's. */
const QUERY_ALIASES: Record<string, string> = {
  RECALL: 'CANCELED',
  REJECT: 'REJECTED',
  REVERTED: 'CANCELED',
  CANCELLED: 'CANCELED',
};

/** The nibble of a detail status (`reverted`: the detail says the instance was revoked). */
export function nibbleOf(status: string | undefined, reverted = false): Nibble {
  const upper = (status ?? '').toUpperCase();
  const canonical = QUERY_ALIASES[upper] ?? upper;
  if (canonical === 'CANCELED' && reverted) return Nibble.REVOKED;
  return BY_STATUS[canonical] ?? Nibble.OTHER;
}

/** Whether a status the query reports is the one the digest holds (a revoke is a cancel, gone is deleted). */
export function sameStatus(held: number, reported: Nibble): boolean {
  const fold = (n: number): number => (n === Nibble.REVOKED ? Nibble.CANCELED : n === Nibble.GONE ? Nibble.DELETED : n);
  return fold(held) === fold(reported);
}

/** Whether the bulk query is expected to list an instance with this nibble. */
export function queryLists(held: number): boolean {
  return held !== Nibble.REVOKED && held !== Nibble.GONE;
}

const MINUTE_MS = 60_000;
export const HASH_SPAN = 0x1_0000;
/** Minute offsets from a partition's base take 20 bits: 728 days, more than the recheck span allows. */
const MAX_OFFSET = 0xf_ffff;
const ENTRY_BYTES = 5;

/** One instance's key: its creation minute and a hash of its code (unique enough within a minute). */
export function digestKey(instanceCode: string, createdMs: number): number {
  return Math.floor(createdMs / MINUTE_MS) * HASH_SPAN + hash16(instanceCode);
}

export function minuteOfKey(key: number): number {
  return Math.floor(key / HASH_SPAN);
}

/** One approval code's entries: key → nibble. */
export type PartitionDigest = Map<number, number>;

export interface PackedPartition {
  base_minute: number;
  entries: string;
}

/**
 * Packs entries sorted by key: 20 bits minute offset, 16 bits hash, 4 bits
 * nibble. The offsets count from `baseMinute` (a sync packs every partition
 * from the digest's earliest minute, so the state names the base once), or
 * else from the partition's first minute; an entry outside the 20 bits is
 * left out (its instance then looks unseen and is checked again).
 */
export function packPartition(digest: PartitionDigest, baseMinute?: number): PackedPartition {
  const keys = [...digest.keys()].sort((a, b) => a - b);
  const base = baseMinute ?? (keys.length > 0 ? minuteOfKey(keys[0]!) : 0);
  const bytes = Buffer.alloc(keys.length * ENTRY_BYTES);
  let at = 0;
  for (const key of keys) {
    const offset = minuteOfKey(key) - base;
    if (offset < 0 || offset > MAX_OFFSET) continue;
    const hash = key % HASH_SPAN;
    const nibble = digest.get(key)! & 0xf;
    // 40 bits: offset (20) | hash (16) | nibble (4), big-endian.
    bytes[at] = offset >>> 12;
    bytes[at + 1] = (offset >>> 4) & 0xff;
    bytes[at + 2] = ((offset & 0xf) << 4) | (hash >>> 12);
    bytes[at + 3] = (hash >>> 4) & 0xff;
    bytes[at + 4] = ((hash & 0xf) << 4) | nibble;
    at += ENTRY_BYTES;
  }
  return { base_minute: base, entries: bytes.subarray(0, at).toString('base64') };
}

/** The earliest creation minute among the partitions' entries; 0 when they hold none. */
export function earliestMinute(partitions: Iterable<PartitionDigest>): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const partition of partitions) for (const key of partition.keys()) if (key < earliest) earliest = key;
  return earliest === Number.POSITIVE_INFINITY ? 0 : minuteOfKey(earliest);
}

/** The inverse of packPartition; undefined when the value is not a packed partition. */
export function unpackPartition(value: unknown): PartitionDigest | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { base_minute: base, entries } = value as Partial<PackedPartition>;
  if (!Number.isSafeInteger(base) || typeof entries !== 'string') return undefined;
  const bytes = Buffer.from(entries, 'base64');
  if (bytes.length % ENTRY_BYTES !== 0) return undefined;
  const digest: PartitionDigest = new Map();
  for (let at = 0; at < bytes.length; at += ENTRY_BYTES) {
    const offset = (bytes[at]! << 12) | (bytes[at + 1]! << 4) | (bytes[at + 2]! >>> 4);
    const hash = ((bytes[at + 2]! & 0xf) << 12) | (bytes[at + 3]! << 4) | (bytes[at + 4]! >>> 4);
    digest.set((base! + offset) * HASH_SPAN + hash, bytes[at + 4]! & 0xf);
  }
  return digest;
}

/** Drops the entries created before `fromMs` (they left the recheck span). Returns how many. */
export function pruneBefore(digest: PartitionDigest, fromMs: number): number {
  const firstKey = Math.floor(fromMs / MINUTE_MS) * HASH_SPAN;
  let dropped = 0;
  for (const key of digest.keys()) {
    if (key < firstKey) {
      digest.delete(key);
      dropped++;
    }
  }
  return dropped;
}
