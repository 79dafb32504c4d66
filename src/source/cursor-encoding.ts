import { createHash } from 'node:crypto';
import type { JsonObject } from '../kit/protocol.js';

/**
 * The two shapes a stream's cursors take in its state, pure.
 *
 * 1. `states`: Airbyte's own per-partition list, one entry per approval code,
 *    readable and editable in the UI:
 *      {"states": [{"partition": {"approval_code": "A"}, "cursor": {"created_before": "<ISO>"}}]}
 *    About 126 bytes a code (codes are 36 characters).
 * 2. `cursor_groups`: the codes that share a cursor, each as the first 6 bytes
 *    of its SHA-256 in base64url (8 characters, no separator):
 *      {"approval_code_hash": "sha256-48", "cursor_groups": [{"created_before": "<ISO>", "approval_code_hashes": "…"}]}
 *    About 8 bytes a code, and the cursors of one sync share a few values
 *    (codes move window by window from the same start), so a few groups.
 *
 * Why two: a STATE carries every code's cursor, so its size grows with the
 * number of codes, and STATEs must both leave within 2 s of a cursor moving and
 * stay under about 1 MB a minute per stream (see pacing.ts). The list fits
 * both up to about 125 codes; the groups up to about 3,700. The writer keeps
 * the list while it is under LIST_FORMAT_MAX_BYTES and switches beyond it.
 *
 * A hash names a code only among the codes the reader is configured with.
 * Two distinct codes share a 48-bit prefix with a probability of about
 * n² / 2^49 (4e-10 for 500 codes); the writer falls back to the list if two
 * of its codes do, and a reader that finds a hash in two groups takes the
 * earlier cursor (re-reading, never skipping). A code that is in a hashed state
 * but no longer configured is dropped from the next state: added back later,
 * it starts again from start_date (re-reading, never skipping).
 */
/** Each approval code's cursor (ms), the end of the last window whose records were all emitted. */
export type PartitionCursors = Map<string, number>;

export const CURSOR_FIELD = 'created_before';
export const LIST_KEY = 'states';
export const GROUPS_KEY = 'cursor_groups';
export const HASH_KIND_KEY = 'approval_code_hash';
export const HASH_KIND = 'sha256-48';
export const HASHES_KEY = 'approval_code_hashes';
const HASH_CHARS = 8;
const HASHES_PATTERN = /^(?:[A-Za-z0-9_-]{8})*$/;

/** The list shape's largest size in bytes: at the 0.9 MB/min STATE budget, a STATE this big may leave every ~1.1 s. */
export const LIST_FORMAT_MAX_BYTES = 16_000;

/** One list entry's bytes beside its code: `{"partition":{"approval_code":""},"cursor":{"created_before":"2024-01-01T00:00:00.000Z"}},`. */
const LIST_ENTRY_BYTES = 90;

/** The state fields that hold `cursors`, in the smaller shape that is still readable by people when it fits. */
export function encodeCursors(cursors: PartitionCursors, listMaxBytes = LIST_FORMAT_MAX_BYTES, hash: (code: string) => string = codeHash): JsonObject {
  let listBytes = 0;
  for (const code of cursors.keys()) listBytes += code.length + LIST_ENTRY_BYTES;
  if (listBytes > listMaxBytes) {
    const groups = hashedGroups(cursors, hash);
    if (groups) return { [HASH_KIND_KEY]: HASH_KIND, [GROUPS_KEY]: groups };
  }
  return { [LIST_KEY]: listEntries(cursors) };
}

function listEntries(cursors: PartitionCursors): JsonObject[] {
  return [...cursors.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, ms]) => ({ partition: { approval_code: code }, cursor: { [CURSOR_FIELD]: new Date(ms).toISOString() } }));
}

/** Groups by cursor, oldest first, hashes sorted; undefined when two codes share a hash. */
function hashedGroups(cursors: PartitionCursors, hash: (code: string) => string): JsonObject[] | undefined {
  const byCursor = new Map<number, string[]>();
  const seen = new Set<string>();
  for (const [code, ms] of cursors) {
    const hashed = hash(code);
    if (seen.has(hashed)) return undefined;
    seen.add(hashed);
    const group = byCursor.get(ms);
    if (group) group.push(hashed);
    else byCursor.set(ms, [hashed]);
  }
  return [...byCursor.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ms, hashes]) => ({ [CURSOR_FIELD]: new Date(ms).toISOString(), [HASHES_KEY]: hashes.sort().join('') }));
}

/** Hashes are asked for on every STATE; a sync has a fixed set of codes, so each is computed once. */
const hashes = new Map<string, string>();

/** The first 6 bytes of the code's SHA-256, base64url: 8 characters. */
export function codeHash(code: string): string {
  let hash = hashes.get(code);
  if (hash === undefined) {
    hash = createHash('sha256').update(code, 'utf8').digest().subarray(0, 6).toString('base64url');
    hashes.set(code, hash);
  }
  return hash;
}

/** Why a state blob could not be read; the caller names the stream and the expected shape. */
export class MalformedCursors extends Error {}

/**
 * The cursors in a state blob of either shape. `codes` are the configured
 * approval codes, which a hashed state needs to name its partitions; the list
 * shape keeps every code it holds, configured or not.
 */
export function decodeCursors(blob: JsonObject, codes: readonly string[]): PartitionCursors {
  // What a reset leaves behind: no cursor, so every code starts from start_date.
  if (Object.keys(blob).length === 0) return new Map();
  if (blob[LIST_KEY] !== undefined) return decodeList(blob[LIST_KEY]);
  if (blob[GROUPS_KEY] !== undefined) return decodeGroups(blob, codes);
  throw new MalformedCursors(`stream_state needs '${LIST_KEY}' (or '${GROUPS_KEY}')`);
}

function decodeList(states: unknown): PartitionCursors {
  if (!Array.isArray(states)) throw new MalformedCursors(`stream_state.${LIST_KEY} must be an array`);
  const cursors: PartitionCursors = new Map();
  states.forEach((entry: unknown, i) => {
    const partition = (entry as JsonObject | null)?.['partition'] as JsonObject | undefined;
    const cursor = (entry as JsonObject | null)?.['cursor'] as JsonObject | undefined;
    const code = partition?.['approval_code'];
    const ms = isoMs(cursor?.[CURSOR_FIELD]);
    if (typeof code !== 'string' || ms === undefined) {
      throw new MalformedCursors(`${LIST_KEY}[${i}] needs partition.approval_code and an ISO date-time cursor.${CURSOR_FIELD}`);
    }
    cursors.set(code, ms);
  });
  return cursors;
}

function decodeGroups(blob: JsonObject, codes: readonly string[]): PartitionCursors {
  if (blob[HASH_KIND_KEY] !== HASH_KIND) throw new MalformedCursors(`${HASH_KIND_KEY} must be '${HASH_KIND}'`);
  const groups = blob[GROUPS_KEY];
  if (!Array.isArray(groups)) throw new MalformedCursors(`stream_state.${GROUPS_KEY} must be an array`);
  const cursorByHash = new Map<string, number>();
  groups.forEach((group: unknown, i) => {
    const ms = isoMs((group as JsonObject | null)?.[CURSOR_FIELD]);
    const packed = (group as JsonObject | null)?.[HASHES_KEY];
    if (ms === undefined || typeof packed !== 'string' || !HASHES_PATTERN.test(packed)) {
      throw new MalformedCursors(`${GROUPS_KEY}[${i}] needs an ISO date-time ${CURSOR_FIELD} and ${HASHES_KEY} of ${HASH_CHARS}-character base64url hashes`);
    }
    for (let at = 0; at < packed.length; at += HASH_CHARS) {
      const hash = packed.slice(at, at + HASH_CHARS);
      const known = cursorByHash.get(hash);
      cursorByHash.set(hash, known === undefined ? ms : Math.min(known, ms));
    }
  });
  const cursors: PartitionCursors = new Map();
  for (const code of codes) {
    const ms = cursorByHash.get(codeHash(code));
    if (ms !== undefined) cursors.set(code, ms);
  }
  return cursors;
}

function isoMs(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
