import type { Logger } from '../../kit/emitter.js';
import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../kit/protocol.js';
import { readCursors, stateBlob, streamBlob, type PartitionCursors } from './stream-state.js';

/**
 * STATE in both sync modes (resumable full refresh).
 *
 * Both modes checkpoint the same per-partition cursors. A full refresh's STATE
 * also carries `"full_refresh": {"complete": false}` while it runs and
 * `{"complete": true}` in its last STATE, so the marker tells the two apart:
 *  - full refresh given a STATE marked `complete: false` (the platform retrying
 *    an interrupted attempt) resumes from its cursors;
 *  - full refresh given anything else (no state, an incremental state, a
 *    finished full refresh) starts over from start_date;
 *  - incremental reads the cursors whatever the marker: in every mode a cursor
 *    means every instance created before it was delivered.
 */
const FULL_REFRESH_MARKER = 'full_refresh';

/**
 * The cursors a stream starts from in `mode`, with an INFO line when a full
 * refresh resumes; `codes` are the configured approval codes (see readCursors).
 */
export function startingCursors(
  messages: AirbyteStateMessage[],
  stream: string,
  mode: SyncMode,
  codes: readonly string[],
  logger: Logger,
): PartitionCursors {
  if (mode === 'incremental') return readCursors(messages, stream, codes);
  if (!resumesFullRefresh(streamBlob(messages, stream))) return new Map();
  const cursors = readCursors(messages, stream, codes);
  logger.info(
    `${stream}: resuming an interrupted full refresh from its last STATE (${cursors.size} approval code(s) with a cursor).`,
  );
  return cursors;
}

/** True for the STATE of a full refresh that did not finish. */
function resumesFullRefresh(blob: JsonObject | undefined): boolean {
  const marker = blob?.[FULL_REFRESH_MARKER];
  return typeof marker === 'object' && marker !== null && (marker as JsonObject)['complete'] === false;
}

/** The state blob of a checkpoint in `mode`; `final` marks the last one of a sync. */
export function checkpointBlob(cursors: PartitionCursors, mode: SyncMode, final: boolean): JsonObject {
  const blob = stateBlob(cursors);
  return mode === 'full_refresh' ? { ...blob, [FULL_REFRESH_MARKER]: { complete: final } } : blob;
}
