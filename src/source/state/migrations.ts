import { ConfigError } from '../../kit/errors.js';
import type { AirbyteStateMessage, JsonObject } from '../../kit/protocol.js';
import { codeHash } from '../values/hashes.js';
import {
  CURSOR_FIELD,
  EXPECTED_STATE_SHAPE,
  GROUPS_KEY,
  isoMs,
  MalformedCursors,
  setEarliest,
  type PartitionCursors,
} from './cursor-groups.js';

/**
 * Every state shape older than 0.4.0's plain cursor groups, read here and
 * nowhere else, so a resumed sync re-reads and loses nothing. The next STATE
 * of the stream is written in the current shape (cursor-groups.ts).
 *
 * Cursors (stream_state):
 *  - 0.1.0 to 0.3.0, Airbyte's per-partition list (0.3.0 wrote it up to about
 *    125 codes); it keeps every code it names, configured or not:
 *      {"states": [{"partition": {"approval_code": "A"}, "cursor": {"created_before": "<ISO>"}}]}
 *  - 0.3.0 beyond about 125 codes, hashed cursor groups: each code is the
 *    first 6 bytes of its SHA-256 in base64url, 8 characters, concatenated.
 *    A hash names a code only among the configured codes, so a code no longer
 *    configured is dropped (added back, it starts from start_date):
 *      {"approval_code_hash": "sha256-48", "cursor_groups": [{"created_before": "<ISO>", "approval_code_hashes": "…"}]}
 * State messages:
 *  - GLOBAL: its stream_states are read as STREAM messages are;
 *  - LEGACY (a bare `data` blob, from no version of this connector): refused,
 *    since reading it as "no state" would silently re-read everything and
 *    guessing its meaning could skip data.
 */

const LIST_KEY = 'states';
const HASH_KIND_KEY = 'approval_code_hash';
const HASH_KIND = 'sha256-48';
const HASHES_KEY = 'approval_code_hashes';
const HASH_CHARS = 8;
const HASHES_PATTERN = /^(?:[A-Za-z0-9_-]{8})*$/;

/**
 * The cursors of a blob in an older shape, undefined for any other blob.
 * `codes` are the configured approval codes, which name the hashes.
 */
export function olderCursors(blob: JsonObject, codes: readonly string[]): PartitionCursors | undefined {
  if (blob[LIST_KEY] !== undefined) return decodeList(blob[LIST_KEY]);
  if (blob[HASH_KIND_KEY] !== undefined) return decodeHashedGroups(blob, codes);
  return undefined;
}

/**
 * The blob of `stream` in a state message of an older type (GLOBAL),
 * undefined when the message has none; a LEGACY message is a config error.
 */
export function olderMessageBlob(message: AirbyteStateMessage, stream: string): JsonObject | undefined {
  if (message.type === 'LEGACY' || (message.data !== undefined && !message.stream && !message.global)) {
    throw new ConfigError(
      `The state holds a LEGACY state message, which this connector cannot read; it expects ${EXPECTED_STATE_SHAPE}. Reset the stream's state to start over.`,
    );
  }
  if (!message.global) return undefined;
  const states = message.global.stream_states;
  if (!Array.isArray(states)) {
    throw new ConfigError(
      `The state holds a GLOBAL state message without a stream_states array; this connector expects ${EXPECTED_STATE_SHAPE}.`,
    );
  }
  return states.find((s) => s?.stream_descriptor?.name === stream)?.stream_state;
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
      throw new MalformedCursors(
        `${LIST_KEY}[${i}] needs partition.approval_code and an ISO date-time cursor.${CURSOR_FIELD}`,
      );
    }
    setEarliest(cursors, code, ms);
  });
  return cursors;
}

function decodeHashedGroups(blob: JsonObject, codes: readonly string[]): PartitionCursors {
  if (blob[HASH_KIND_KEY] !== HASH_KIND) throw new MalformedCursors(`${HASH_KIND_KEY} must be '${HASH_KIND}'`);
  const groups = blob[GROUPS_KEY];
  if (!Array.isArray(groups)) throw new MalformedCursors(`stream_state.${GROUPS_KEY} must be an array`);
  const cursorByHash: PartitionCursors = new Map();
  groups.forEach((group: unknown, i) => {
    const ms = isoMs((group as JsonObject | null)?.[CURSOR_FIELD]);
    const packed = (group as JsonObject | null)?.[HASHES_KEY];
    if (ms === undefined || typeof packed !== 'string' || !HASHES_PATTERN.test(packed)) {
      throw new MalformedCursors(
        `${GROUPS_KEY}[${i}] needs an ISO date-time ${CURSOR_FIELD} and ${HASHES_KEY} of ${HASH_CHARS}-character base64url hashes`,
      );
    }
    for (let at = 0; at < packed.length; at += HASH_CHARS)
      setEarliest(cursorByHash, packed.slice(at, at + HASH_CHARS), ms);
  });
  const cursors: PartitionCursors = new Map();
  for (const code of codes) {
    const ms = cursorByHash.get(codeHash(code));
    if (ms !== undefined) cursors.set(code, ms);
  }
  return cursors;
}
