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
 *  - full refresh given a STATE marked `complete: true` reads nothing: the
 *    platform keeps a full refresh's STATE only between the attempts of one job
 *    (it deletes it when a new job starts), so this is a retry of a job whose
 *    attempt already delivered the whole stream, and reading it again would
 *    write its rows twice. Airbyte's CDK does the same
 *    (`__ab_full_refresh_sync_complete`: no slice is read, the state is sent again);
 *  - full refresh given anything else (no state, an incremental state) starts
 *    over from start_date;
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

/**
 * The stream's STATE blob when it marks a full refresh that completed (in an
 * earlier attempt of this job), else undefined. Only a full refresh asks.
 */
export function completedFullRefresh(messages: AirbyteStateMessage[], stream: string): JsonObject | undefined {
  const blob = streamBlob(messages, stream);
  const marker = blob?.[FULL_REFRESH_MARKER];
  return typeof marker === 'object' && marker !== null && (marker as JsonObject)['complete'] === true
    ? blob
    : undefined;
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
