import { ConfigError } from '../kit/errors.js';
import type { AirbyteStateMessage, JsonObject } from '../kit/protocol.js';
import { CURSOR_FIELD, decodeCursors, encodeCursors, GROUPS_KEY, HASH_KIND, HASH_KIND_KEY, HASHES_KEY, MalformedCursors, type PartitionCursors } from './cursor-encoding.js';

/**
 * Per-partition stream state: one cursor per approval code, the end of the
 * last window whose records were all emitted. Written in Airbyte's own
 * per-partition shape, or in hashed cursor groups when there are too many
 * codes for it (cursor-encoding.ts says why and how).
 */
export { CURSOR_FIELD, type PartitionCursors };

/** What a state must look like, for the messages that refuse another shape. */
export const EXPECTED_STATE_SHAPE =
  `per-stream STATE messages: [{"type":"STREAM","stream":{"stream_descriptor":{"name":"<stream>"},` +
  `"stream_state":{"states":[{"partition":{"approval_code":"<code>"},"cursor":{"${CURSOR_FIELD}":"<ISO date-time>"}}]}}}] ` +
  `(or "stream_state":{"${HASH_KIND_KEY}":"${HASH_KIND}","${GROUPS_KEY}":[{"${CURSOR_FIELD}":"<ISO date-time>","${HASHES_KEY}":"<hashes>"}]} as this connector writes for many codes)`;

/**
 * The state blob of `stream` among the platform's state messages, if any. A GLOBAL state is
 * converted (its stream_states are read like STREAM messages); a LEGACY one (a bare `data` blob,
 * from a connector version that never existed with per-partition cursors) is refused: reading it
 * as "no state" would silently re-read everything, and guessing its meaning could skip data.
 */
export function streamBlob(messages: AirbyteStateMessage[], stream: string): JsonObject | undefined {
  for (const message of messages) {
    if (message.stream?.stream_descriptor?.name === stream && message.stream.stream_state) return message.stream.stream_state;
    if (message.type === 'LEGACY' || (message.data !== undefined && !message.stream && !message.global)) {
      throw new ConfigError(`The state holds a LEGACY state message, which this connector cannot read; it expects ${EXPECTED_STATE_SHAPE}. Reset the stream's state to start over.`);
    }
    const states = message.global?.stream_states;
    if (message.global && !Array.isArray(states)) {
      throw new ConfigError(`The state holds a GLOBAL state message without a stream_states array; this connector expects ${EXPECTED_STATE_SHAPE}.`);
    }
    const converted = states?.find((s) => s?.stream_descriptor?.name === stream);
    if (converted?.stream_state) return converted.stream_state;
  }
  return undefined;
}

/**
 * The cursors of `stream` from the platform's state messages; `codes` (the
 * configured approval codes) name the partitions of a hashed state. A
 * malformed state is a config error naming the stream and what is wrong.
 */
export function readCursors(messages: AirbyteStateMessage[], stream: string, codes: readonly string[]): PartitionCursors {
  const blob = streamBlob(messages, stream);
  if (!blob) return new Map();
  try {
    return decodeCursors(blob, codes);
  } catch (error) {
    if (!(error instanceof MalformedCursors)) throw error;
    throw new ConfigError(`The state of stream '${stream}' is malformed: ${error.message}; expected ${EXPECTED_STATE_SHAPE}.`);
  }
}

/** The cursor fields of a stream's state blob. */
export function stateBlob(cursors: PartitionCursors): JsonObject {
  return encodeCursors(cursors);
}
