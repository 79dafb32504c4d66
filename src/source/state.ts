import { ConfigError } from '../kit/errors.js';
import type { AirbyteStateMessage, JsonObject } from '../kit/protocol.js';

/**
 * Per-partition stream state, in the shape Airbyte's own per-partition cursors use:
 * {"states": [{"partition": {"approval_code": "…"}, "cursor": {"created_before": "<ISO UTC>"}}]}
 * A cursor is the end of the last window whose records were all emitted.
 */
export type PartitionCursors = Map<string, number>;

export const CURSOR_FIELD = 'created_before';

/** What a state must look like, for the messages that refuse another shape. */
export const EXPECTED_STATE_SHAPE =
  `per-stream STATE messages: [{"type":"STREAM","stream":{"stream_descriptor":{"name":"<stream>"},` +
  `"stream_state":{"states":[{"partition":{"approval_code":"<code>"},"cursor":{"${CURSOR_FIELD}":"<ISO date-time>"}}]}}}]`;

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

/** The cursors of `stream` from the platform's state messages; a malformed entry is a config error. */
export function readCursors(messages: AirbyteStateMessage[], stream: string): PartitionCursors {
  const cursors: PartitionCursors = new Map();
  const blob = streamBlob(messages, stream);
  if (blob) {
    const states = blob['states'];
    if (!Array.isArray(states)) {
      throw new ConfigError(`The state of stream '${stream}' is malformed: stream_state.states must be an array; expected ${EXPECTED_STATE_SHAPE}.`);
    }
    states.forEach((entry: unknown, i) => {
      const partition = (entry as JsonObject | null)?.['partition'] as JsonObject | undefined;
      const cursor = (entry as JsonObject | null)?.['cursor'] as JsonObject | undefined;
      const code = partition?.['approval_code'];
      const value = cursor?.[CURSOR_FIELD];
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (typeof code !== 'string' || Number.isNaN(ms)) {
        throw new ConfigError(
          `The state of stream '${stream}' is malformed: states[${i}] needs partition.approval_code and an ISO date-time cursor.${CURSOR_FIELD}.`,
        );
      }
      cursors.set(code, ms);
    });
  }
  return cursors;
}

export function stateBlob(cursors: PartitionCursors): JsonObject {
  const states = [...cursors.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, ms]) => ({ partition: { approval_code: code }, cursor: { [CURSOR_FIELD]: new Date(ms).toISOString() } }));
  return { states };
}
