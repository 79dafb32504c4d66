import { ConfigError } from '../../kit/errors.js';
import type { AirbyteStateMessage, JsonObject } from '../../kit/protocol.js';
import {
  CURSOR_FIELD,
  decodeCursorGroups,
  encodeCursors,
  EXPECTED_STATE_SHAPE,
  GROUPS_KEY,
  MalformedCursors,
  type PartitionCursors,
} from './cursor-groups.js';
import { olderCursors, olderMessageBlob } from './migrations.js';

/**
 * Per-partition stream state: one cursor per approval code, the end of the
 * last window whose records were all emitted, written as plain cursor groups
 * (state/cursor-groups.ts); older shapes are read by state/migrations.ts.
 */
export { CURSOR_FIELD, type PartitionCursors };

/** The state blob of `stream` among the platform's state messages, if any (a GLOBAL one is converted, a LEGACY one refused). */
export function streamBlob(messages: AirbyteStateMessage[], stream: string): JsonObject | undefined {
  for (const message of messages) {
    if (message.stream?.stream_descriptor?.name === stream && message.stream.stream_state)
      return message.stream.stream_state;
    const converted = olderMessageBlob(message, stream);
    if (converted) return converted;
  }
  return undefined;
}

/**
 * The cursors in a state blob of any shape this connector wrote. `codes` are
 * the configured approval codes, which 0.3.0's hashed shape needs to name its
 * partitions. Throws MalformedCursors.
 */
export function decodeCursors(blob: JsonObject, codes: readonly string[]): PartitionCursors {
  // What a reset leaves behind: no cursor, so every code starts from start_date.
  if (Object.keys(blob).length === 0) return new Map();
  const older = olderCursors(blob, codes);
  if (older) return older;
  if (blob[GROUPS_KEY] === undefined) throw new MalformedCursors(`stream_state needs '${GROUPS_KEY}'`);
  return decodeCursorGroups(blob[GROUPS_KEY]);
}

/**
 * The cursors of `stream` from the platform's state messages; `codes` (the
 * configured approval codes) name the partitions of a hashed state. A
 * malformed state is a config error naming the stream and what is wrong.
 */
export function readCursors(
  messages: AirbyteStateMessage[],
  stream: string,
  codes: readonly string[],
): PartitionCursors {
  const blob = streamBlob(messages, stream);
  if (!blob) return new Map();
  try {
    return decodeCursors(blob, codes);
  } catch (error) {
    if (!(error instanceof MalformedCursors)) throw error;
    throw new ConfigError(
      `The state of stream '${stream}' is malformed: ${error.message}; expected ${EXPECTED_STATE_SHAPE}.`,
    );
  }
}

/** The cursor fields of a stream's state blob. */
export function stateBlob(cursors: PartitionCursors): JsonObject {
  return encodeCursors(cursors);
}
